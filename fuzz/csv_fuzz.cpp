// libFuzzer target: arbitrary bytes read as a CSV file in every dialect, split into N byte ranges
// the way plan_csv_parts splits it between ranks (split_in_memory is its serial reference).
//
// Differential invariant (byte_ranges.hpp): whatever N, the records of the ranges concatenated are
// exactly the records of one parse of the whole data (same fields, same line numbers); and if the
// single parse fails, the split fails too. Any other exception than custseg::Error, any sanitizer
// report, or a difference aborts.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "custseg/ingest/byte_ranges.hpp"
#include "custseg/ingest/csv.hpp"
#include "custseg/util/error.hpp"

namespace {

using custseg::ingest::CsvDialect;

struct Parsed {
  std::vector<std::vector<std::string>> fields;
  std::vector<std::uint64_t> lines;
  std::uint64_t blank_lines = 0;
  bool failed = false;
  std::string error;
};

// One range as parse_part reads it (parse_records: text check, records, width check).
void parse_range(std::string_view file, std::uint64_t begin, std::uint64_t end, std::uint64_t first_line,
                 CsvDialect dialect, std::size_t width, Parsed& out) {
  try {
    const auto stats = custseg::ingest::parse_records(
        file.substr(begin, end - begin), first_line, begin, "fuzz.csv", dialect, width,
        [&](const custseg::ingest::CsvRecord& record) {
          if (record.size() != width) std::abort();
          out.fields.push_back(record.fields());
          out.lines.push_back(record.line());
        });
    out.blank_lines += stats.blank_lines;
  } catch (const custseg::Error& e) {
    out.failed = true;
    out.error = e.what();
  }
}

std::uint64_t line_of(std::string_view file, std::uint64_t offset) {
  std::uint64_t line = 1;
  for (std::uint64_t i = 0; i < offset; ++i) line += file[i] == '\n';
  return line;
}

[[noreturn]] void differ(const char* what, std::uint64_t parts) {
  std::fprintf(stderr, "csv_fuzz: split into %llu parts differs from one parse: %s\n",
               static_cast<unsigned long long>(parts), what);
  std::abort();
}

void check_split(std::string_view file, std::uint64_t data_begin, CsvDialect dialect, std::size_t width,
                 std::uint64_t parts) {
  Parsed whole;
  parse_range(file, data_begin, file.size(), line_of(file, data_begin), dialect, width, whole);
  const auto ranges = custseg::ingest::split_in_memory(file, data_begin, parts);
  if (ranges.size() != parts || ranges.front().begin != data_begin || ranges.back().end != file.size())
    differ("the ranges do not tile the data", parts);
  Parsed split;
  for (std::size_t p = 0; p < ranges.size() && !split.failed; ++p) {
    if (p > 0 && ranges[p].begin != ranges[p - 1].end) differ("ranges are not contiguous", parts);
    if (ranges[p].size() == 0) continue;
    parse_range(file, ranges[p].begin, ranges[p].end, line_of(file, ranges[p].begin), dialect, width, split);
  }
  if (whole.failed != split.failed) differ(whole.failed ? "only the single parse failed" : "only the split failed", parts);
  // On failure, the records before the error may differ (a part stops at its first error), but
  // the error must not: the message may not depend on the rank count.
  if (whole.failed) {
    if (whole.error != split.error)
      std::fprintf(stderr, "one parse: %s\nsplit:     %s\n", whole.error.c_str(), split.error.c_str());
    if (whole.error != split.error) differ("the error differs", parts);
    return;
  }
  if (whole.fields != split.fields) differ("the records differ", parts);
  if (whole.lines != split.lines) differ("the line numbers differ", parts);
  if (whole.blank_lines != split.blank_lines) differ("the blank line counts differ", parts);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  static const CsvDialect dialects[] = {{',', false}, {';', false}, {'|', false}, {'\t', false}, {' ', true}};
  const CsvDialect dialect = dialects[data[0] % 5];
  const std::uint64_t parts = 1 + data[1] % 8;
  const std::string_view file(reinterpret_cast<const char*>(data) + 2, size - 2);
  // The header: the first record, as read_header finds it; the data begins after it.
  const auto header_end = custseg::ingest::first_record_start(file, false);
  const std::uint64_t data_begin = header_end.value_or(file.size());
  // The header as read_header checks it; its width is what every data record must have.
  std::size_t width = 1;
  try {
    const std::string_view header = file.substr(0, data_begin);
    if (custseg::ingest::find_text_problem(header)) return 0;  // refused before any split
    custseg::ingest::CsvParser parser(header, 1, "fuzz.csv", dialect);
    custseg::ingest::CsvRecord record;
    if (!parser.next(record)) return 0;
    width = custseg::ingest::header_names(record, "fuzz.csv").size();
  } catch (const custseg::Error&) {
    return 0;  // a malformed header stops ingest before the split
  }
  (void)custseg::ingest::likely_dialect(file.substr(0, data_begin));
  if (data_begin < file.size()) check_split(file, data_begin, dialect, width, parts);
  return 0;
}
