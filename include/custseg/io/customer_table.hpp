#pragma once
// The customer table (DESIGN.md, "Data on disk"; docs/input-hdf5.md): the group /KEY (default
// /customers) holding one 1-D dataset per column (custseg, h5py), or a pandas DataFrame saved with
// to_hdf under KEY in the "fixed" (/KEY/axis0, blockN_items, blockN_values) or "table" (/KEY/table,
// a compound dataset) layout. Columns nobody selects are listed but never read or judged.
#include <algorithm>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "custseg/data/feature_matrix.hpp"
#include "custseg/io/hdf5.hpp"
#include "custseg/io/row_selection.hpp"

namespace custseg::io {

inline constexpr const char* kCustomersGroup = "/customers";

// What a column can be used as: numbers (integer, float, or an enum such as h5py's bool: 0/1),
// text (fixed- or variable-length strings: ids, categorical profiles), or nothing.
enum class ColumnKind { number, text, unreadable };

struct ColumnInfo {
  std::string name;
  ColumnLocation where;
  ColumnKind kind = ColumnKind::unreadable;
  TypeClass type = TypeClass::other;  // as stored
  bool is_unsigned = false;           // unsigned integer (ids above 2^63 are read as uint64)
  std::uint64_t rows = 0;
  std::string problem;  // why an unreadable column cannot be used, with the way out
  // A pandas categorical ('table' layout): the column holds codes (-1 = missing), the labels lie
  // in this string column of /KEY/meta/...; empty for any other column.
  ColumnLocation categories;
};

struct TableInfo {
  std::uint64_t rows = 0;            // of the id column when present, else of the first usable column
  std::vector<std::string> columns;  // in file order
  std::vector<ColumnInfo> details;   // same order
  std::string layout = "custseg";    // "custseg", "pandas fixed" or "pandas table"
  std::string group = kCustomersGroup;
  std::string file;
  // --consent-column (docs/privacy.md): only these physical rows are the table's rows (`rows`
  // counts them, and every read below goes through it); null: every row.
  std::shared_ptr<const RowSelection> selection;
  // The row of the file that logical row `row` is (what a message names).
  [[nodiscard]] std::uint64_t file_row(std::uint64_t row) const { return selection ? selection->physical_row(row) : row; }

  [[nodiscard]] const ColumnInfo* find(const std::string& name) const;
  // The column, checked for `use` ("feature", "KPI", "id", ...): present, readable as `kind`
  // (text accepted too when `text_ok`), and as long as the table. Input errors name the column.
  const ColumnInfo& require(const std::string& name, const std::string& use, bool text_ok = false) const;
};

// Finds the table under /KEY and lists its columns; input errors when there is no such group or
// it is not a table custseg reads (with what was found and how to convert it). `id_column` fixes
// the row count when present.
TableInfo inspect_table(const File& file, const std::string& key = "customers",
                        const std::string& id_column = "customer_id");

// The path of a column of custseg's own layout (/customers/NAME), for writers.
std::string column_path(const std::string& name);

// Logical rows [block.begin, block.end()) of one column of `table`, through its selection.
// Collective on parallel files, like File::read_column_rows.
template <class T>
void read_table_rows(const File& file, const TableInfo& table, const ColumnLocation& where, const RowBlock& block,
                     std::span<T> out) {
  if (!table.selection) return file.read_column_rows<T>(where, block, out);
  const RowBlock span = table.selection->physical_span(block);
  std::vector<T> values(span.count);
  file.read_column_rows<T>(where, span, std::span<T>(values));
  table.selection->keep_selected(span, values);
  std::copy(values.begin(), values.end(), out.begin());
}
// The same for a string column (not collective, like File::read_string_rows).
std::vector<std::string> read_table_strings(const File& file, const TableInfo& table, const ColumnLocation& where,
                                            const RowBlock& block);

// This rank's block of one column, converted to double (0/1 for bools). Collective.
std::vector<double> read_column(const File& file, const TableInfo& table, const std::string& name, const RowBlock& block);

// This rank's block of a text column. Each rank reads its own rows (not collective).
std::vector<std::string> read_text_column(const File& file, const TableInfo& table, const std::string& name,
                                          const RowBlock& block);

// This rank's block of the named columns as a row-major matrix. Collective.
data::FeatureMatrix read_features(const File& file, const TableInfo& table, const std::vector<std::string>& names,
                                  const RowBlock& block);

// A string attribute of a column (custseg/h5py layout: role, categories), or empty when the
// layout has no per-column attributes or the column lacks it.
std::vector<std::string> column_attribute(const File& file, const TableInfo& table, const std::string& name,
                                          const std::string& attribute);

// Labels of an integer-coded categorical column (its "categories" attribute), or empty.
std::vector<std::string> column_categories(const File& file, const TableInfo& table, const std::string& name);

}  // namespace custseg::io
