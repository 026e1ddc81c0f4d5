// libFuzzer target: the date parsers of ingest (--as-of, --churn-after and transaction dates):
// parse_timestamp ("auto"), DateFormat with a fuzzed strptime format (checked first by
// date_format_problem, as ingest does), and the day-month swap suggestion. A parsed date must
// print back (format_timestamp) to text that parses to the same second.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "custseg/ingest/values.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace custseg::ingest;
  const std::string_view all(reinterpret_cast<const char*>(data), size);
  // "FORMAT\nVALUE": a format line (or none), then the value.
  const auto nl = all.find('\n');
  const std::string format = nl == std::string_view::npos ? "auto" : std::string(all.substr(0, nl));
  const std::string_view value = nl == std::string_view::npos ? all : all.substr(nl + 1);
  if (const auto t = parse_timestamp(value)) {
    const std::string back = format_timestamp(*t);
    const auto again = parse_timestamp(back);
    if (!again || *again != *t) std::abort();  // printing a parsed date loses nothing
    if (civil_from_days(day_of(*t)) != back.substr(0, back.find(' '))) std::abort();
  }
  if (format.find('\0') == std::string::npos && !date_format_problem(format)) {
    const DateFormat f(format);
    (void)f.parse(value);
    (void)f.contradicting_format(value);
  }
  return 0;
}
