#include "custseg/report/assignments_csv.hpp"

#include <charconv>
#include <cmath>

namespace custseg::report {

namespace {

// RFC 4180: a field is quoted (quotes doubled) only when it must be, so ids stay as they came.
void append_field(const std::string& text, bool always_quote, std::string& out) {
  const bool quote = always_quote || text.find_first_of(",\"\r\n") != std::string::npos;
  if (!quote) {
    out += text;
    return;
  }
  out += '"';
  for (const char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

template <class Number>
void append_number(Number value, std::string& out) {
  char buf[32];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
  out.append(buf, ec == std::errc() ? end : buf);
}

}  // namespace

std::string assignments_csv_header(const std::vector<NamedColumn>& figures) {
  std::string header = "customer_id,segment,segment_name,distance";
  for (const NamedColumn& f : figures) header += "," + f.name;
  return header + "\n";
}

void append_assignment_lines(const AssignmentRows& rows, std::size_t begin, std::size_t end, std::string& out) {
  for (std::size_t i = begin; i < end; ++i) {
    if (rows.ids.text) {
      append_field(rows.ids.strings[i], false, out);
    } else {
      append_number(rows.ids.numbers[i], out);
    }
    const std::int32_t label = rows.labels[i];
    if (label < 0) {
      out += ",-1,,";
    } else {
      const auto c = static_cast<std::size_t>(label);
      out += ',';
      append_number(c < rows.segment_ids.size() ? rows.segment_ids[c] : label, out);
      out += ',';
      append_field(c < rows.names.size() ? rows.names[c] : std::string(), true, out);
      out += ',';
      append_number(rows.distance[i], out);  // float: the shortest text that reads back to it
    }
    for (const NamedColumn& f : rows.figures) {
      out += ',';
      if (std::isfinite(f.values[i])) append_number(f.values[i], out);  // NaN: an empty field, as pandas reads it
    }
    out += '\n';
  }
}

}  // namespace custseg::report
