#include "custseg/ingest/table_columns.hpp"

#include <charconv>
#include <cmath>

#include "custseg/ingest/values.hpp"

namespace custseg::ingest {

bool is_missing(std::string_view v) {
  v = trim(v);
  if (v.empty()) return true;
  std::string lower;
  for (char c : v) lower.push_back(static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c));
  return lower == "na" || lower == "n/a" || lower == "nan" || lower == "null";
}

std::optional<std::int64_t> parse_integer(std::string_view v) {
  v = trim(v);
  if (!v.empty() && v.front() == '+') v.remove_prefix(1);
  std::int64_t x = 0;
  const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), x);
  if (ec != std::errc() || end != v.data() + v.size() || v.empty()) return std::nullopt;
  return x;
}

std::optional<double> parse_number(std::string_view v) {
  v = trim(v);
  if (!v.empty() && v.front() == '+') v.remove_prefix(1);
  double x = 0;
  // from_chars is correctly rounded, so a value parses to the same double on every rank.
  const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), x, std::chars_format::general);
  if (ec != std::errc() || end != v.data() + v.size() || v.empty() || !std::isfinite(x)) return std::nullopt;
  return x;
}

std::string column_name(std::string_view header) {
  std::string out;
  bool gap = false;
  for (char c : header) {
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    const bool upper = c >= 'A' && c <= 'Z';
    if (alnum || upper) {
      if (gap && !out.empty()) out.push_back('_');
      gap = false;
      out.push_back(upper ? static_cast<char>(c - 'A' + 'a') : c);
    } else {
      gap = true;
    }
  }
  if (out.empty() || (out.front() >= '0' && out.front() <= '9')) out = "col_" + out;
  return out;
}

const char* to_string(ColumnType t) {
  switch (t) {
    case ColumnType::int32: return "int32";
    case ColumnType::int64: return "int64";
    case ColumnType::float64: return "float64";
    case ColumnType::categorical: return "categorical";
  }
  return "?";
}

void ColumnProfile::add(std::string_view v) {
  if (is_missing(v)) {
    ++missing;
    return;
  }
  ++values;
  if (all_integer) {
    if (const auto i = parse_integer(v)) {
      min = std::min(min, *i);
      max = std::max(max, *i);
      return;
    }
    all_integer = false;
  }
  if (all_number && !parse_number(v)) all_number = false;
}

void ColumnProfile::merge(const ColumnProfile& o) {
  values += o.values;
  missing += o.missing;
  all_integer = all_integer && o.all_integer;
  all_number = all_number && o.all_number;
  min = std::min(min, o.min);
  max = std::max(max, o.max);
}

ColumnType ColumnProfile::type() const {
  if (!all_number) return ColumnType::categorical;
  if (!all_integer || missing > 0 || values == 0) return ColumnType::float64;
  const bool fits32 = min >= std::numeric_limits<std::int32_t>::min() && max <= std::numeric_limits<std::int32_t>::max();
  return fits32 ? ColumnType::int32 : ColumnType::int64;
}

std::optional<SplitId> split_id(std::string_view value) {
  value = trim(value);
  std::size_t i = 0;
  while (i < value.size() && !(value[i] >= '0' && value[i] <= '9')) ++i;
  const auto number = parse_id(value.substr(i));
  if (!number) return std::nullopt;
  return SplitId{std::string(value.substr(0, i)), *number};
}

}  // namespace custseg::ingest
