// parse_records (csv.hpp): the error a part reports is the first problem in file order, whether
// it is a malformed record or a NUL/invalid UTF-8 byte, so a serial parse and any split into
// parts report the same message (fuzz/csv_fuzz.cpp checks that on arbitrary bytes).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "custseg/ingest/csv.hpp"

using namespace custseg::ingest;

namespace {

// The message parse_records throws for `text` (width 2), or "" if it parses.
std::string error_of(const std::string& text, std::uint64_t first_line = 1, std::uint64_t offset = 0) {
  try {
    (void)parse_records(text, first_line, offset, "f.csv", CsvDialect{}, 2, [](const CsvRecord&) {});
  } catch (const custseg::Error& e) {
    return e.what();
  }
  return "";
}

bool has(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

}  // namespace

TEST(CsvRecords, BadByteAfterGoodRecords) {
  const auto e = error_of("1,a\n2,b\xFF\n3,c\n", 10, 100);
  EXPECT_TRUE(has(e, "invalid UTF-8 on line 11 (byte offset 107)")) << e;
}

TEST(CsvRecords, MalformedRecordBeforeTheBadByteComesFirst) {
  EXPECT_TRUE(has(error_of("1,a\"b\n2,\xFF\n"), "a quote inside an unquoted field on line 1")) << error_of("1,a\"b\n2,\xFF\n");
  EXPECT_TRUE(has(error_of("1\n2,\xFF\n"), "line 1 has 1 fields but the header has 2")) << error_of("1\n2,\xFF\n");
}

TEST(CsvRecords, RecordCutByTheBadByteIsNotJudged) {
  // Neither "ragged" (the cut leaves one field) nor "never closed" (the cut is inside quotes).
  EXPECT_TRUE(has(error_of("1,a\n2\xFF,b\n"), "invalid UTF-8 on line 2")) << error_of("1,a\n2\xFF,b\n");
  EXPECT_TRUE(has(error_of("1,\"x\n\xFFy\"\n"), "invalid UTF-8 on line 2")) << error_of("1,\"x\n\xFFy\"\n");
}

TEST(CsvRecords, NulByte) {
  const auto e = error_of(std::string("1,a\n2,\0\n", 8));
  EXPECT_TRUE(has(e, "f.csv line 2: NUL byte (this is not a text CSV")) << e;
  // The earlier of a NUL and an invalid byte is the one reported.
  EXPECT_TRUE(has(error_of(std::string("1,\xFF\0\n", 6)), "invalid UTF-8 on line 1"));
  EXPECT_TRUE(has(error_of(std::string("1,\0\xFF\n", 6)), "line 1: NUL byte"));
}

TEST(CsvRecords, CleanTextParses) {
  std::vector<std::string> ids;
  const auto stats = parse_records("1,\"a\nb\"\n\n2,c", 2, 0, "f.csv", CsvDialect{}, 2,
                                   [&](const CsvRecord& r) { ids.emplace_back(r.field(0)); });
  EXPECT_EQ(stats.records, 2U);
  EXPECT_EQ(stats.blank_lines, 1U);
  EXPECT_EQ(ids, (std::vector<std::string>{"1", "2"}));
}
