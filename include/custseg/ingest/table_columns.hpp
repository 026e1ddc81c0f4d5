#pragma once
// Automatic typing of the columns of an aggregated customer table (pure, no MPI).
//
// A column is integer if every non-missing value is a whole number, float if every non-missing
// value is a number, and categorical otherwise. The type must be the same whatever rows a rank
// holds, so each rank summarises its values (ColumnProfile) and the summaries are merged before
// anything is converted. Missing values (empty, NA, N/A, NaN, null; any case) are counted and
// written as NaN, which makes an integer column with gaps a float64 column.
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace custseg::ingest {

bool is_missing(std::string_view value);
// With decimal ',' the value is first rewritten by with_decimal_point (values.hpp).
std::optional<std::int64_t> parse_integer(std::string_view value, char decimal = '.');
std::optional<double> parse_number(std::string_view value, char decimal = '.');  // finite, exponents allowed ('.')

// The HDF5 link name of a column: the header name as the source wrote it (case, blanks and
// punctuation kept, so `segment --features` takes the header's names), with the characters a
// link name cannot hold percent-escaped: '/' -> %2F, and a name of dots only ("." is the group
// itself) -> %2E per dot; '%' itself -> %25 so the escape can be undone. The original is also
// kept in the column's "source_name" attribute.
std::string hdf5_link_name(std::string_view header);
// The inverse of hdf5_link_name (and of any %XX escape): "a%2Fb" -> "a/b".
std::string unescape_link_name(std::string_view name);

// Index of `wanted` among `names`: the exact name, else the one name equal to it ignoring ASCII
// case (nullopt when none, or when several differ only in case).
std::optional<std::size_t> find_name(const std::vector<std::string>& names, std::string_view wanted);

// The table column (link name) a user's name for it refers to, in this order: the link name
// itself; the header name as written (escaped); a name spelled with %XX escapes, e.g. %2C for a
// comma that a comma-separated --features list cannot hold; then the same ignoring ASCII case
// when that is unambiguous. nullopt when none matches.
std::optional<std::string> resolve_column_name(const std::vector<std::string>& columns, std::string_view wanted);
// The columns equal to `wanted` ignoring ASCII case: when resolve_column_name found none and this
// lists two or more, the name was ambiguous rather than missing (say so, not "not found").
std::vector<std::string> case_insensitive_matches(const std::vector<std::string>& columns, std::string_view wanted);

enum class ColumnType { int32, int64, float64, categorical };
const char* to_string(ColumnType t);

// Mergeable summary of one column's values (sums, minima and "all" flags merge exactly).
struct ColumnProfile {
  std::uint64_t values = 0;   // non-missing
  std::uint64_t missing = 0;
  bool all_integer = true;
  bool all_number = true;
  bool all_number_other = true;  // every value is a number under the other decimal mark
  std::int64_t min = std::numeric_limits<std::int64_t>::max();
  std::int64_t max = std::numeric_limits<std::int64_t>::min();

  void add(std::string_view value, char decimal = '.');
  void merge(const ColumnProfile& other);
  [[nodiscard]] ColumnType type() const;
};

// Customer ids of an aggregated table are integers (parse_id: exact and non-negative) unless
// the column is textual: some value is neither a number nor a missing marker. A textual
// column's ids are kept byte for byte ("C10001", UUIDs, hashed e-mails); in a numeric one, a
// value that is not an exact non-negative integer is an error, never a guess.
enum class IdKind { integer, text };
[[nodiscard]] bool looks_textual(std::string_view id);

}  // namespace custseg::ingest
