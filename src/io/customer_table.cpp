#include "custseg/io/customer_table.hpp"

#include "custseg/io/pandas_pickle.hpp"
#include "custseg/util/error.hpp"

namespace custseg::io {

std::string column_path(const std::string& name) { return std::string(kCustomersGroup) + "/" + name; }

namespace {

const char* kFixedHint =
    "save it with df.to_hdf(..., format='table') (text becomes fixed-length strings), or write the "
    "columns with h5py (docs/input-hdf5.md)";
const char* kTableHint = "save it with df.to_hdf(..., format='fixed') or write the columns with h5py (docs/input-hdf5.md)";

std::string type_name(TypeClass t) {
  switch (t) {
    case TypeClass::integer: return "integers";
    case TypeClass::floating: return "floats";
    case TypeClass::string: return "strings";
    case TypeClass::enumeration: return "an enumeration";
    case TypeClass::compound: return "compound records";
    case TypeClass::other: break;
  }
  return "a type custseg does not read";
}

ColumnKind kind_of(TypeClass t) {
  if (t == TypeClass::integer || t == TypeClass::floating || t == TypeClass::enumeration) return ColumnKind::number;
  if (t == TypeClass::string) return ColumnKind::text;
  return ColumnKind::unreadable;
}

// A column of custseg's own layout: one dataset. Nothing is refused here; `problem` says why a
// column cannot be used, for the case that someone selects it.
ColumnInfo inspect_dataset_column(const File& file, const std::string& group, const std::string& name) {
  ColumnInfo c;
  c.name = name;
  c.where.dataset = group + "/" + name;
  if (!file.is_dataset(c.where.dataset)) {
    c.problem = "is a group, not a dataset";
    return c;
  }
  const auto dims = file.dims(c.where.dataset);
  c.type = file.type_class(c.where.dataset);
  c.rows = dims.empty() ? 0 : dims[0];
  if (dims.size() != 1) {
    c.problem = "is not one-dimensional (" + std::to_string(dims.size()) + " dimensions)";
    return c;
  }
  c.kind = kind_of(c.type);
  c.is_unsigned = c.type == TypeClass::integer && file.is_unsigned(c.where.dataset);
  if (c.kind == ColumnKind::unreadable) c.problem = "holds " + type_name(c.type);
  return c;
}

void inspect_custseg(const File& file, TableInfo& t) {
  t.layout = "custseg";
  t.columns = file.children(t.group);
  for (const auto& name : t.columns) t.details.push_back(inspect_dataset_column(file, t.group, name));
}

std::string attribute_text(const File& file, const std::string& object, const std::string& name) {
  if (!file.has_attribute(object, name)) return {};
  const auto v = file.read_string_attribute(object, name);
  return v.empty() ? std::string() : v[0];
}

// The row index of a pandas "fixed" frame (axis1) becomes a column named as the index was (its
// `name` attribute holds the name as text, or a pickled None: "N."), or "index" when unnamed.
void add_fixed_index(const File& file, TableInfo& t) {
  const std::string axis1 = t.group + "/axis1";
  if (!file.is_dataset(axis1)) return;
  const std::string name = attribute_text(file, axis1, "name");
  const auto pickled = pickled_strings(name);
  ColumnInfo c = inspect_dataset_column(file, t.group, "axis1");
  c.name = pickled ? (pickled->size() == 1 ? pickled->front() : "index") : name.empty() ? "index" : name;
  t.details.push_back(c);
}

void add_fixed_block(const File& file, TableInfo& t, int b) {
  const std::string items_path = t.group + "/block" + std::to_string(b) + "_items";
  const std::string values_path = t.group + "/block" + std::to_string(b) + "_values";
  if (!file.is_dataset(items_path) || !file.is_dataset(values_path))
    throw_input(file.path() + ": " + t.group + " is a pandas 'fixed' frame without block " + std::to_string(b) +
                " (a corrupt or unfinished file?)");
  const std::vector<std::string> items = file.read_strings(items_path);
  const auto dims = file.dims(values_path);
  const TypeClass type = file.type_class(values_path);
  for (std::size_t j = 0; j < items.size(); ++j) {
    ColumnInfo c;
    c.name = items[j];
    c.where = {values_path, "", static_cast<std::int64_t>(j)};
    c.type = type;
    c.rows = dims.empty() ? 0 : dims[0];
    if (dims.size() == 2 && dims[1] == items.size() && kind_of(type) == ColumnKind::number) {
      c.kind = ColumnKind::number;
      c.is_unsigned = type == TypeClass::integer && file.is_unsigned(values_path);
    } else {
      // Object columns (text, mixed) are pickled Python objects in a variable-length array.
      c.problem = "is a pandas object column, which the 'fixed' layout stores as pickled Python objects; " +
                  std::string(kFixedHint);
    }
    t.details.push_back(c);
  }
}

void inspect_pandas_fixed(const File& file, TableInfo& t) {
  t.layout = "pandas fixed";
  if (!file.has_attribute(t.group, "nblocks"))
    throw_input(file.path() + ": " + t.group + " is a pandas 'fixed' frame without its nblocks attribute");
  const double blocks = file.read_double_attribute(t.group, "nblocks");
  if (!(blocks >= 0 && blocks < 100000)) throw_input(file.path() + ": " + t.group + " claims " + std::to_string(blocks) + " blocks");
  for (int b = 0; b < static_cast<int>(blocks); ++b) add_fixed_block(file, t, b);
  add_fixed_index(file, t);
}

// One member of a pandas "table": a values_block_N (several columns of one dtype, names pickled
// in the table's values_block_N_kind attribute), a data column (one column, its own name), or the index.
void add_table_member(const File& file, TableInfo& t, const std::string& table, const CompoundMember& m) {
  std::vector<std::string> names{m.name};
  // The index's index_kind says "integer", "string", ...: a kind, not pickled names.
  if (m.name != "index" && file.has_attribute(table, m.name + "_kind")) {
    const auto pickled = pickled_strings(attribute_text(file, table, m.name + "_kind"));
    if (!pickled || pickled->size() != m.elements)
      throw_input(file.path() + ": " + t.group + " is a pandas 'table' layout whose column names for " + m.name +
                  " custseg cannot read (" + table + " attribute " + m.name + "_kind); " + kTableHint);
    names = *pickled;
  }
  for (std::size_t j = 0; j < names.size(); ++j) {
    ColumnInfo c;
    c.name = names[j];
    c.where = {table, m.name, m.elements > 1 || names.size() > 1 ? static_cast<std::int64_t>(j) : -1};
    c.type = m.type;
    c.is_unsigned = m.is_unsigned;
    c.kind = kind_of(m.type);
    if (c.kind == ColumnKind::unreadable)
      c.problem = "is a pandas 'table' member of " + type_name(m.type) + "; " + std::string(kTableHint);
    // A categorical keeps its codes here and its labels in a small series table of its own.
    const std::string labels = t.group + "/meta/" + m.name + "/meta/table";
    if (attribute_text(file, table, m.name + "_meta") == "category" && names.size() == 1 && file.is_dataset(labels))
      c.categories = {labels, "values", -1};
    t.details.push_back(c);
  }
}

void inspect_pandas_table(const File& file, TableInfo& t) {
  t.layout = "pandas table";
  const std::string table = t.group + "/table";
  if (!file.is_dataset(table) || file.type_class(table) != TypeClass::compound)
    throw_input(file.path() + ": " + t.group + " is a pandas 'table' frame without its compound dataset " + table + "; " +
                kTableHint);
  const auto dims = file.dims(table);
  if (dims.size() != 1) throw_input(file.path() + ": " + table + " is not one-dimensional");
  for (const auto& m : file.compound_members(table)) add_table_member(file, t, table, m);
  for (auto& c : t.details) c.rows = dims[0];
}

// Where a pandas object was saved under another key: named in the message about a missing group.
std::string pandas_keys(const File& file) {
  std::string keys;
  for (const auto& name : file.children("/"))
    if (file.has_attribute("/" + name, "pandas_type")) keys += (keys.empty() ? "" : ", ") + name;
  return keys;
}

void locate_group(const File& file, TableInfo& t, const std::string& key) {
  t.group = "/" + key.substr(key.find_first_not_of('/') == std::string::npos ? key.size() : key.find_first_not_of('/'));
  if (file.exists(t.group) && !file.is_dataset(t.group)) return;
  std::string message = file.path() + " has no " + t.group + " group (expected the customer table there";
  const std::string keys = pandas_keys(file);
  if (!keys.empty()) message += "; pandas objects in this file: " + keys + ", select one with --key";
  throw_input(message + ")");
}

void choose_rows(TableInfo& t, const std::string& id_column) {
  const ColumnInfo* id = t.find(id_column);
  if (id && id->kind != ColumnKind::unreadable) {
    t.rows = id->rows;
    return;
  }
  for (const auto& c : t.details)
    if (c.kind != ColumnKind::unreadable) {
      t.rows = c.rows;
      return;
    }
}

}  // namespace

const ColumnInfo* TableInfo::find(const std::string& name) const {
  for (const auto& c : details)
    if (c.name == name) return &c;
  return nullptr;
}

const ColumnInfo& TableInfo::require(const std::string& name, const std::string& use, bool text_ok) const {
  const ColumnInfo* c = find(name);
  if (!c) {
    std::string available;
    for (const auto& n : columns) available += (available.empty() ? "" : ", ") + n;
    throw_input(use + " column '" + name + "' not found in " + file + " (available: " + available + ")");
  }
  const std::string where = use + " column '" + name + "' in " + file;
  if (c->kind == ColumnKind::unreadable) throw_input(where + " " + c->problem);
  if (c->kind == ColumnKind::text && !text_ok)
    throw_input(where + " holds text, not numbers (" + layout + " layout); encode it as numbers, or use it as a "
                "protected column");
  if (c->rows != rows)
    throw_input("columns of different lengths in " + file + ": the table has " + std::to_string(rows) + " rows, " +
                use + " column '" + name + "' has " + std::to_string(c->rows));
  return *c;
}

TableInfo inspect_table(const File& file, const std::string& key, const std::string& id_column) {
  TableInfo t;
  t.file = file.path();
  locate_group(file, t, key);
  const std::string pandas_type = attribute_text(file, t.group, "pandas_type");
  if (pandas_type == "frame") {
    inspect_pandas_fixed(file, t);
  } else if (pandas_type == "frame_table") {
    inspect_pandas_table(file, t);
  } else if (!pandas_type.empty()) {
    throw_input(file.path() + ": " + t.group + " is a pandas '" + pandas_type + "' object, not a DataFrame; save a "
                "DataFrame (e.g. series.to_frame().to_hdf(...)) or write the columns with h5py (docs/input-hdf5.md)");
  } else {
    inspect_custseg(file, t);
  }
  t.columns.clear();
  for (const auto& c : t.details) t.columns.push_back(c.name);
  if (t.columns.empty()) throw_input(file.path() + ": " + t.group + " holds no columns");
  choose_rows(t, id_column);
  return t;
}

std::vector<double> read_column(const File& file, const TableInfo& table, const std::string& name, const RowBlock& block) {
  const ColumnInfo& c = table.require(name, "numeric");
  std::vector<double> values(block.count);
  read_table_rows<double>(file, table, c.where, block, values);
  return values;
}

std::vector<std::string> read_text_column(const File& file, const TableInfo& table, const std::string& name,
                                          const RowBlock& block) {
  const ColumnInfo& c = table.require(name, "text", true);
  return read_table_strings(file, table, c.where, block);
}

std::vector<std::string> read_table_strings(const File& file, const TableInfo& table, const ColumnLocation& where,
                                            const RowBlock& block) {
  if (!table.selection) return file.read_string_rows(where, block);
  const RowBlock span = table.selection->physical_span(block);
  std::vector<std::string> values = file.read_string_rows(where, span);
  table.selection->keep_selected(span, values);
  return values;
}

data::FeatureMatrix read_features(const File& file, const TableInfo& table, const std::vector<std::string>& names,
                                  const RowBlock& block) {
  data::FeatureMatrix m;
  m.rows = block.count;
  m.dims = names.size();
  m.global_begin = block.begin;
  m.values.resize(m.rows * m.dims);
  // One column buffer for all columns: a fresh one per column costs its pages' faults again.
  std::vector<double> column(block.count);
  for (std::size_t j = 0; j < names.size(); ++j) {
    read_table_rows<double>(file, table, table.require(names[j], "numeric").where, block, column);
    for (std::size_t i = 0; i < m.rows; ++i) m.values[i * m.dims + j] = column[i];
  }
  return m;
}

std::vector<std::string> column_attribute(const File& file, const TableInfo& table, const std::string& name,
                                          const std::string& attribute) {
  const ColumnInfo* c = table.find(name);
  // Only a column that is a whole dataset carries attributes of its own (pandas layouts do not).
  if (!c || !c->where.member.empty() || c->where.index >= 0 || !file.is_dataset(c->where.dataset)) return {};
  if (!file.has_attribute(c->where.dataset, attribute)) return {};
  return file.read_string_attribute(c->where.dataset, attribute);
}

std::vector<std::string> column_categories(const File& file, const TableInfo& table, const std::string& name) {
  const ColumnInfo* c = table.find(name);
  if (c && !c->categories.dataset.empty()) {
    const auto dims = file.dims(c->categories.dataset);
    return file.read_string_rows(c->categories, RowBlock{0, dims.empty() ? 0 : dims[0]});
  }
  return column_attribute(file, table, name, "categories");
}

}  // namespace custseg::io
