// RFC 4180 parsing and byte-range splitting, without MPI.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "custseg/ingest/byte_ranges.hpp"
#include "custseg/ingest/csv.hpp"
#include "custseg/util/error.hpp"

using namespace custseg::ingest;

namespace {

struct Parsed {
  std::uint64_t line;
  std::vector<std::string> fields;
  bool operator==(const Parsed&) const = default;
};

std::vector<Parsed> parse_all(std::string_view text, std::uint64_t first_line = 1) {
  CsvParser parser(text, first_line, "test.csv");
  CsvRecord r;
  std::vector<Parsed> out;
  while (parser.next(r)) out.push_back({r.line(), r.fields()});
  return out;
}

std::string error_of(std::string_view text) {
  try {
    parse_all(text);
  } catch (const custseg::Error& e) {
    EXPECT_EQ(e.code(), custseg::ExitCode::input);
    return e.what();
  }
  return "";
}

// Quoted commas, doubled quotes, line breaks inside quotes (LF and CRLF), an empty quoted field
// and a last record without a line break: the kinds of record byte-range splitting must survive.
const std::string kTricky =
    "id,text,n\n"
    "1,plain,10\n"
    "2,\"with, comma\",20\n"
    "3,\"say \"\"hi\"\"\",30\n"
    "4,\"two\nlines, and \"\"quotes\"\"\n\",40\r\n"
    "5,\"\",50\n"
    "\n"
    "6,\"a long quoted field, with commas, \"\"quotes\"\",\nline\nbreaks\nand more, to be cut by many ranges\",60\n"
    "7,last,70";

}  // namespace

TEST(Csv, ParsesQuotedCommasDoubledQuotesAndLineBreaks) {
  const auto rows = parse_all(kTricky);
  ASSERT_EQ(rows.size(), 9U);
  EXPECT_EQ(rows[0], (Parsed{1, {"id", "text", "n"}}));
  EXPECT_EQ(rows[2], (Parsed{3, {"2", "with, comma", "20"}}));
  EXPECT_EQ(rows[3], (Parsed{4, {"3", "say \"hi\"", "30"}}));
  EXPECT_EQ(rows[4], (Parsed{5, {"4", "two\nlines, and \"quotes\"\n", "40"}}));
  // Record 4 spans lines 5-7 and ends in CRLF, so record 5 starts on line 8.
  EXPECT_EQ(rows[5], (Parsed{8, {"5", "", "50"}}));
  EXPECT_EQ(rows[6], (Parsed{9, {""}}));  // the blank line
  EXPECT_EQ(rows[7].line, 10U);
  EXPECT_EQ(rows[8], (Parsed{14, {"7", "last", "70"}}));
}

TEST(Csv, BlankLineIsOneUnquotedEmptyField) {
  CsvParser parser("\n\"\"\n", 1, "t");
  CsvRecord r;
  ASSERT_TRUE(parser.next(r));
  EXPECT_TRUE(r.blank());
  ASSERT_TRUE(parser.next(r));
  EXPECT_FALSE(r.blank());  // an empty quoted field is a value, not a blank line
  EXPECT_FALSE(parser.next(r));
}

TEST(Csv, MalformedQuotingIsAnInputErrorNamingTheLine) {
  EXPECT_NE(error_of("a,b\n1,\"open\n2,3\n").find("starts on line 2 is never closed"), std::string::npos);
  EXPECT_NE(error_of("a,b\n1,\"x\"y\n").find("text follows the closing quote"), std::string::npos);
  EXPECT_NE(error_of("a,b\n1,5\"x\n").find("quote inside an unquoted field on line 2"), std::string::npos);
  EXPECT_NE(error_of("a,b\r1,2\n").find("carriage return"), std::string::npos);
}

TEST(Csv, Utf8Validation) {
  EXPECT_FALSE(find_invalid_utf8("plain ascii"));
  EXPECT_FALSE(find_invalid_utf8("gift voucher \xC2\xA3" "20, \xE2\x82\xAC, \xF0\x9F\x98\x80"));
  EXPECT_EQ(find_invalid_utf8("ab\xA3" "cd"), 2U);          // Latin-1 pound sign
  EXPECT_EQ(find_invalid_utf8("ab\xC2"), 2U);               // truncated sequence
  EXPECT_EQ(find_invalid_utf8("\xC0\xAF"), 0U);             // overlong '/'
  EXPECT_EQ(find_invalid_utf8("x\xED\xA0\x80"), 1U);        // UTF-16 surrogate
  EXPECT_EQ(find_invalid_utf8("\xF4\x90\x80\x80"), 0U);     // above U+10FFFF
  EXPECT_EQ(bom_length("\xEF\xBB\xBFid,x"), 3U);
  EXPECT_EQ(bom_length("id,x"), 0U);
}

TEST(Csv, HeaderNamesMustBeNonEmptyAndDistinct) {
  CsvParser parser("a,,c\na,b,a\n", 1, "t");
  CsvRecord r;
  ASSERT_TRUE(parser.next(r));
  EXPECT_THROW(header_names(r, "t"), custseg::Error);
  ASSERT_TRUE(parser.next(r));
  EXPECT_THROW(header_names(r, "t"), custseg::Error);
}

TEST(ByteRanges, FirstRecordStartRespectsQuoteState) {
  // From outside quotes the first boundary is after "x\n"; from inside, the line feed in the
  // quoted part is skipped and the boundary is after the closing quote's line.
  const std::string bytes = "x\nab\",c\nrest";
  std::uint64_t lines = 0;
  EXPECT_EQ(first_record_start(bytes, false, &lines), 2U);
  EXPECT_EQ(lines, 1U);
  EXPECT_EQ(first_record_start(bytes, true, &lines), 8U);
  EXPECT_EQ(lines, 2U);
  EXPECT_FALSE(first_record_start("no line feed", false));
}

// The split must give exactly the records of a serial parse, with the same line numbers, for
// every number of parts: with ~250 bytes and up to 120 parts, cut points fall at every kind of
// position, inside quoted fields, between CR and LF, and inside doubled quotes.
TEST(ByteRanges, EverySplitReproducesTheSerialParse) {
  const auto whole = parse_all(kTricky);
  CsvParser header_parser(kTricky, 1, "t");
  CsvRecord header;
  ASSERT_TRUE(header_parser.next(header));
  const std::uint64_t data_begin = header_parser.position();
  const std::vector<Parsed> expected(whole.begin() + 1, whole.end());
  for (std::uint64_t parts = 1; parts <= 120; ++parts) {
    const auto ranges = split_in_memory(kTricky, data_begin, parts);
    ASSERT_EQ(ranges.size(), parts);
    std::vector<Parsed> got;
    std::uint64_t expect_begin = data_begin;
    for (const auto& range : ranges) {
      ASSERT_EQ(range.begin, expect_begin) << "ranges must tile the data, parts=" << parts;
      expect_begin = range.end;
      const std::string_view bytes = std::string_view(kTricky).substr(range.begin, range.size());
      const auto line = 1 + static_cast<std::uint64_t>(std::count(kTricky.begin(), kTricky.begin() + static_cast<std::ptrdiff_t>(range.begin), '\n'));
      for (auto& p : parse_all(bytes, line)) got.push_back(p);
    }
    EXPECT_EQ(expect_begin, kTricky.size());
    EXPECT_EQ(got, expected) << "parts=" << parts;
  }
}

TEST(ByteRanges, ChunkWithoutBoundaryGetsAnEmptyRange) {
  // Chunk 1 holds no boundary, so its bytes belong to chunk 0's range.
  const auto ranges = resolve_ranges({std::nullopt, std::nullopt, 30}, 5, 40);
  ASSERT_EQ(ranges.size(), 3U);
  EXPECT_EQ(ranges[0].begin, 5U);
  EXPECT_EQ(ranges[0].end, 30U);
  EXPECT_EQ(ranges[1].size(), 0U);
  EXPECT_EQ(ranges[2].begin, 30U);
  EXPECT_EQ(ranges[2].end, 40U);
  // A boundary before the end of the header is clamped to it.
  const auto clamped = resolve_ranges({std::nullopt, 3, 12}, 8, 20);
  EXPECT_EQ(clamped[1].begin, 8U);
  EXPECT_EQ(clamped[0].size(), 0U);
}

// --- dialects: other delimiters and whitespace-separated columns ---

namespace {
std::vector<Parsed> parse_dialect_all(std::string_view text, const char* dialect) {
  CsvParser parser(text, 1, "test.csv", *parse_dialect(dialect));
  CsvRecord r;
  std::vector<Parsed> out;
  while (parser.next(r)) out.push_back({r.line(), r.fields()});
  return out;
}
}  // namespace

TEST(CsvDialect, SemicolonAndTabKeepQuotingRules) {
  // A European export: ';' separates, ',' is inside numbers, a quoted field may hold ';'.
  EXPECT_EQ(parse_dialect_all("a;b;c\r\n1;\"x;y\";12,75\r\n", ";"),
            (std::vector<Parsed>{{1, {"a", "b", "c"}}, {2, {"1", "x;y", "12,75"}}}));
  EXPECT_EQ(parse_dialect_all("a\tb\n1,5\t\"q\"\"\"\n", "tab"),
            (std::vector<Parsed>{{1, {"a", "b"}}, {2, {"1,5", "q\""}}}));
  EXPECT_EQ(parse_dialect_all("a|b\n1|2", "|"), (std::vector<Parsed>{{1, {"a", "b"}}, {2, {"1", "2"}}}));
  EXPECT_FALSE(parse_dialect("::"));
  EXPECT_EQ(dialect_name(*parse_dialect("\t")), "tab");
}

TEST(CsvDialect, WhitespaceRunsAsInThePanelFiles) {
  // The CDNOW master file: leading blanks, runs of blanks, CRLF tolerated, blank lines blank.
  const auto rows = parse_dialect_all(" customer_id  date number_of_cds  dollar_value\n"
                                      " 00001 19970101  1   11.77\r\n"
                                      "   \n"
                                      "00002\t19970112 5 77.00", "whitespace");
  ASSERT_EQ(rows.size(), 4U);
  EXPECT_EQ(rows[0].fields, (std::vector<std::string>{"customer_id", "date", "number_of_cds", "dollar_value"}));
  EXPECT_EQ(rows[1], (Parsed{2, {"00001", "19970101", "1", "11.77"}}));
  EXPECT_EQ(rows[2], (Parsed{3, {""}}));  // a blank record, skipped like an empty CSV line
  EXPECT_EQ(rows[3], (Parsed{4, {"00002", "19970112", "5", "77.00"}}));
  CsvParser quoted("a \"b c\"\n", 1, "t", *parse_dialect("whitespace"));
  CsvRecord r;
  EXPECT_THROW(quoted.next(r), custseg::Error);  // no quoting convention to guess
}

TEST(CsvDialect, OneColumnHeaderNamesTheLikelyDelimiter) {
  EXPECT_EQ(dialect_name(*likely_dialect("Channel;Region;Fresh\r\n")), ";");
  EXPECT_EQ(dialect_name(*likely_dialect("id\tname")), "tab");
  EXPECT_EQ(dialect_name(*likely_dialect("id|name")), "|");
  EXPECT_EQ(dialect_name(*likely_dialect(" customer_id  date number_of_cds  dollar_value")), "whitespace");
  EXPECT_FALSE(likely_dialect("Annual Income"));  // a genuine one-column table with a blank in its name
  EXPECT_FALSE(likely_dialect("customer_id\n"));
}
