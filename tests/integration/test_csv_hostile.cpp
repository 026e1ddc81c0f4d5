// CSVs a hostile tester (or an unlucky export) hands to ingest: NUL bytes, invalid UTF-8 in the
// header and in id/text fields, a 50 MB line, a header with no line break at all, unbalanced
// quotes at the end of the file. Each is one input error (exit 3) on every rank naming the line,
// whatever the rank count and so wherever the part boundaries fall; no table is left behind and
// the input is not modified. (docs/csv-hostile-input.md: what is refused and why.)
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <iterator>

#include "cli.hpp"

using namespace custseg::testing;
namespace fs = std::filesystem;

namespace {

class CsvHostile : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = scratch_dir("csv-hostile");
    // As in test_ingest_errors: kill the other ranks at once after one exits non-zero (the
    // message is already out); keeps each failing run ~1 s instead of ~3.
    ::setenv("OMPI_MCA_odls_base_sigkill_timeout", "0", 1);
  }
  static void TearDownTestSuite() { fs::remove_all(dir_); }

  static std::string bytes_of(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  }

  // ingest --table on `content`: exit 3, `message` in the output, one error line, no table,
  // and the input byte-for-byte as written.
  static void expect_input_error(const std::string& content, const std::string& message) {
    const std::string name = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    const std::string csv = (dir_ / (name + ".csv")).string();
    std::ofstream(csv, std::ios::binary) << content;
    const std::string out = (dir_ / (name + ".h5")).string();
    const auto r = run_custseg("ingest --table " + csv + " --id-column id --output " + out);
    EXPECT_EQ(r.exit_code, 3) << r.output.substr(0, 4000);
    EXPECT_NE(r.output.find(message), std::string::npos) << "expected '" << message << "' in:\n" << r.output.substr(0, 4000);
    std::size_t errors = 0;
    for (auto p = r.output.find("error:"); p != std::string::npos; p = r.output.find("error:", p + 1)) ++errors;
    EXPECT_EQ(errors, 1U) << "one message, from rank 0 only:\n" << r.output.substr(0, 4000);
    EXPECT_LT(r.output.size(), 4000U) << "the message must not echo the data";
    EXPECT_FALSE(fs::exists(out));
    EXPECT_FALSE(fs::exists(out + ".partial"));
    EXPECT_TRUE(bytes_of(csv) == content) << "the input was modified";
  }
  static inline fs::path dir_;
};

// 119 data rows; `bad` replaces row 59, which is line 60 (the middle of the file at any rank count).
std::string rows_with(const std::string& bad) {
  std::string s = "id,name,value\n";
  for (int i = 1; i < 120; ++i)
    s += (i == 59 ? bad : std::to_string(i) + ",name " + std::to_string(i) + "," + std::to_string(i * 3)) + "\n";
  return s;
}

}  // namespace

TEST_F(CsvHostile, NulByteInAField) {
  expect_input_error(rows_with(std::string("59,na\0me,1", 10)), "line 60: NUL byte (this is not a text CSV");
}

TEST_F(CsvHostile, NulByteInTheHeader) {
  std::string csv = rows_with("59,x,1");
  csv[3] = '\0';  // "id,\0ame,..."
  expect_input_error(csv, "line 1: NUL byte (this is not a text CSV");
}

TEST_F(CsvHostile, Utf16Export) {
  // What "Unicode text" from a spreadsheet is: UTF-16LE with a byte-order mark.
  std::string csv = "\xFF\xFE";
  for (const char c : rows_with("59,x,1")) {
    csv += c;
    csv += '\0';
  }
  expect_input_error(csv, "invalid UTF-8 on line 1");
}

TEST_F(CsvHostile, InvalidUtf8InTheHeader) {
  expect_input_error("id,caf\xE9,value\n1,a,2\n2,b,3\n", "invalid UTF-8 on line 1");
}

TEST_F(CsvHostile, InvalidUtf8InAnId) {
  // Refused, never kept as bytes: an id that is not text cannot be matched to anything later.
  expect_input_error(rows_with("5\xC0\xAF" "9,x,1"), "invalid UTF-8 on line 60");
}

TEST_F(CsvHostile, FiftyMegabyteLine) {
  // One 50 MB line in the middle (it spans every rank's nominal chunk at 2-4 ranks): refused by
  // its line and the record limit (ingest::kMaxRecordBytes), not a crash, a hang or an OOM kill.
  expect_input_error(rows_with("59," + std::string(50u << 20, 'x')), "line 60 is longer than 16 MiB");
  // A well-formed 50 MB field too: it would otherwise become a category no HDF5 attribute holds.
  expect_input_error(rows_with("59," + std::string(50u << 20, 'x') + ",1"), "line 60 is longer than 16 MiB");
}

TEST_F(CsvHostile, HeaderWithoutLineBreak) {
  // 20 MB and no line feed: not read whole; the header limit is 16 MiB.
  expect_input_error("id," + std::string(20u << 20, 'y'), "line 1 (the header) is longer than 16 MiB");
}

TEST_F(CsvHostile, QuoteNeverClosedAtTheEnd) {
  std::string csv = rows_with("59,x,1");
  csv += "120,\"unterminated,4\n121,x,5\n";
  expect_input_error(csv, "the quoted field that starts on line 121 is never closed");
}

TEST_F(CsvHostile, UnbalancedQuoteInTheHeader) {
  expect_input_error("id,\"name,value\n1,a,2\n", "is never closed");
}
