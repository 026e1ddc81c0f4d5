#include "custseg/io/customer_table.hpp"

#include "custseg/util/error.hpp"

namespace custseg::io {

std::string column_path(const std::string& name) { return std::string(kCustomersGroup) + "/" + name; }

TableInfo inspect_table(const File& file) {
  if (!file.exists(kCustomersGroup))
    throw_input(file.path() + " has no " + kCustomersGroup + " group (expected the customer table layout)");
  TableInfo info;
  info.columns = file.children(kCustomersGroup);
  if (info.columns.empty()) throw_input(file.path() + ": " + kCustomersGroup + " holds no columns");
  std::string first;
  for (const auto& name : info.columns) {
    const auto dims = file.dims(column_path(name));
    if (dims.size() != 1) throw_input("column " + name + " in " + file.path() + " is not one-dimensional");
    const TypeClass cls = file.type_class(column_path(name));
    if (cls != TypeClass::integer && cls != TypeClass::floating)
      throw_input("column " + name + " in " + file.path() + " is not numeric");
    if (first.empty()) {
      first = name;
      info.rows = dims[0];
    } else if (dims[0] != info.rows) {
      throw_input("columns of different lengths in " + file.path() + ": " + first + " has " +
                  std::to_string(info.rows) + " rows, " + name + " has " + std::to_string(dims[0]));
    }
  }
  return info;
}

std::vector<double> read_column(const File& file, const std::string& name, const RowBlock& block) {
  std::vector<double> values(block.count);
  file.read_rows<double>(column_path(name), block, values);
  return values;
}

data::FeatureMatrix read_features(const File& file, const std::vector<std::string>& names, const RowBlock& block) {
  data::FeatureMatrix m;
  m.rows = block.count;
  m.dims = names.size();
  m.global_begin = block.begin;
  m.values.resize(m.rows * m.dims);
  for (std::size_t j = 0; j < names.size(); ++j) {
    const std::vector<double> column = read_column(file, names[j], block);
    for (std::size_t i = 0; i < m.rows; ++i) m.values[i * m.dims + j] = column[i];
  }
  return m;
}

std::vector<std::string> column_categories(const File& file, const std::string& name) {
  if (!file.has_attribute(column_path(name), "categories")) return {};
  return file.read_string_attribute(column_path(name), "categories");
}

}  // namespace custseg::io
