#include "custseg/ingest/table_columns.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>

#include "custseg/ingest/values.hpp"

namespace custseg::ingest {

namespace {
// ASCII lower case (locale-free, so every rank reads the same names and markers the same way).
std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return out;
}
}  // namespace

bool is_missing(std::string_view v) {
  v = trim(v);
  if (v.empty()) return true;
  if (v.size() > 4) return false;  // longer than every marker below
  const std::string lower = ascii_lower(v);
  return lower == "na" || lower == "n/a" || lower == "nan" || lower == "null";
}

// The text of a number with '.' as its decimal mark, trimmed and without a leading '+'
// (`storage` holds a rewritten copy when the mark was another); nullopt when the mark cannot be
// rewritten.
std::optional<std::string_view> number_text(std::string_view v, char decimal, std::string& storage) {
  if (decimal != '.') {
    const auto text = with_decimal_point(v, decimal);
    if (!text) return std::nullopt;
    storage = *text;
    v = storage;
  }
  v = trim(v);
  if (!v.empty() && v.front() == '+') v.remove_prefix(1);
  return v;
}

std::optional<std::int64_t> parse_integer(std::string_view text, char decimal) {
  std::string rewritten;
  const auto number = number_text(text, decimal, rewritten);
  if (!number) return std::nullopt;
  const std::string_view v = *number;
  std::int64_t x = 0;
  const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), x);
  if (ec != std::errc() || end != v.data() + v.size() || v.empty()) return std::nullopt;
  return x;
}

std::optional<double> parse_number(std::string_view text, char decimal) {
  std::string rewritten;
  const auto number = number_text(text, decimal, rewritten);
  if (!number) return std::nullopt;
  const std::string_view v = *number;
  double x = 0;
  // from_chars is correctly rounded, so a value parses to the same double on every rank.
  const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), x, std::chars_format::general);
  if (ec != std::errc() || end != v.data() + v.size() || v.empty() || !std::isfinite(x)) return std::nullopt;
  return x;
}

std::string hdf5_link_name(std::string_view header) {
  const bool dots_only = header.find_first_not_of('.') == std::string_view::npos;
  std::string out;
  for (const char c : header) {
    if (c == '%') out += "%25";
    else if (c == '/') out += "%2F";
    else if (c == '.' && dots_only) out += "%2E";
    else out.push_back(c);
  }
  return out;
}

std::string unescape_link_name(std::string_view name) {
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  std::string out;
  for (std::size_t i = 0; i < name.size(); ++i) {
    if (name[i] == '%' && i + 2 < name.size() && hex(name[i + 1]) >= 0 && hex(name[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hex(name[i + 1]) * 16 + hex(name[i + 2])));
      i += 2;
    } else {
      out.push_back(name[i]);
    }
  }
  return out;
}

std::optional<std::size_t> find_name(const std::vector<std::string>& names, std::string_view wanted) {
  const auto exact = std::find(names.begin(), names.end(), wanted);
  if (exact != names.end()) return static_cast<std::size_t>(exact - names.begin());
  const std::string key = ascii_lower(wanted);
  std::optional<std::size_t> found;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (ascii_lower(names[i]) != key) continue;
    if (found) return std::nullopt;  // ambiguous: "Income" and "INCOME"
    found = i;
  }
  return found;
}

std::optional<std::string> resolve_column_name(const std::vector<std::string>& columns, std::string_view wanted) {
  const std::string candidates[] = {std::string(wanted), hdf5_link_name(wanted), hdf5_link_name(unescape_link_name(wanted))};
  for (const auto& c : candidates)
    if (std::find(columns.begin(), columns.end(), c) != columns.end()) return c;
  for (const auto& c : candidates)
    if (const auto i = find_name(columns, c)) return columns[*i];
  return std::nullopt;
}

std::vector<std::string> case_insensitive_matches(const std::vector<std::string>& columns, std::string_view wanted) {
  const std::string key = ascii_lower(wanted);
  std::vector<std::string> out;
  for (const auto& c : columns)
    if (ascii_lower(c) == key) out.push_back(c);
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

void ColumnProfile::add(std::string_view v, char decimal) {
  if (is_missing(v)) {
    ++missing;
    return;
  }
  ++values;
  // Read under the other mark too: a column that only it reads is refused with a hint instead
  // of becoming a categorical column of number-like labels.
  if (all_number_other) all_number_other = parse_number(v, decimal == '.' ? ',' : '.').has_value();
  if (all_integer) {
    if (const auto i = parse_integer(v, decimal)) {
      min = std::min(min, *i);
      max = std::max(max, *i);
      return;
    }
    all_integer = false;
  }
  if (all_number && !parse_number(v, decimal)) all_number = false;
}

void ColumnProfile::merge(const ColumnProfile& o) {
  values += o.values;
  missing += o.missing;
  all_integer = all_integer && o.all_integer;
  all_number = all_number && o.all_number;
  all_number_other = all_number_other && o.all_number_other;
  min = std::min(min, o.min);
  max = std::max(max, o.max);
}

ColumnType ColumnProfile::type() const {
  if (!all_number) return ColumnType::categorical;
  if (!all_integer || missing > 0 || values == 0) return ColumnType::float64;
  const bool fits32 = min >= std::numeric_limits<std::int32_t>::min() && max <= std::numeric_limits<std::int32_t>::max();
  return fits32 ? ColumnType::int32 : ColumnType::int64;
}

bool looks_textual(std::string_view id) { return !is_missing(id) && !parse_number(id); }

}  // namespace custseg::ingest
