#pragma once
// The column names pandas keeps in HDF5 attributes of its "table" layout (values_block_N_kind)
// and the index name of its "fixed" layout (axis1's `name`): Python objects that PyTables stores
// pickled with protocol 0, a line-oriented text format. Only what those attributes hold is read
// (lists and tuples of str, ints, None); anything else is refused, not guessed. Pure, no HDF5.
#include <optional>
#include <string>
#include <vector>

namespace custseg::io {

// The str values of a protocol-0 pickle, in order ("(lp0\nVrecency\np1\naVmonetary\np2\na." ->
// {"recency", "monetary"}; "N." -> {}); nullopt when the text is not a protocol-0 pickle of
// those simple types. Strings are returned as UTF-8 (protocol 0 writes raw-unicode-escape).
std::optional<std::vector<std::string>> pickled_strings(const std::string& pickle);

}  // namespace custseg::io
