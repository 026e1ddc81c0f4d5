// Malformed CSV input to custseg ingest: each case gives one clear error from rank 0 and the
// same non-zero exit on every rank (never a hang: run_custseg runs under `timeout`), and leaves
// no table behind. Plus the valid case that tempts splitters most: part boundaries inside quoted
// fields holding commas, doubled quotes and line breaks.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <iterator>

#include "cli.hpp"

using namespace custseg::testing;
namespace fs = std::filesystem;

namespace {

class IngestErrors : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = scratch_dir("ingest-errors");
    // mpirun waits odls_base_sigkill_timeout (1 s) plus teardown after a rank exits non-zero,
    // ~2 s per failing run. Every rank has printed and passed MPI_Finalize's fence before
    // exiting, so killing at once loses nothing and keeps this suite quick; the exit code stays.
    ::setenv("OMPI_MCA_odls_base_sigkill_timeout", "0", 1);
  }
  static void TearDownTestSuite() { fs::remove_all(dir_); }

  static std::string write(const std::string& name, const std::string& content) {
    const std::string path = (dir_ / name).string();
    std::ofstream(path, std::ios::binary) << content;
    return path;
  }

  // Runs ingest; expects `code`, `message` in the output, exactly one error line, no abort, and
  // no output table (complete or partial).
  static void expect_failure(const std::string& args, const std::string& out, int code, const std::string& message) {
    const auto r = run_custseg("ingest " + args + " --output " + out);
    EXPECT_EQ(r.exit_code, code) << r.output;
    EXPECT_NE(r.output.find(message), std::string::npos) << "expected '" << message << "' in:\n" << r.output;
    std::size_t errors = 0;
    for (auto p = r.output.find("error:"); p != std::string::npos; p = r.output.find("error:", p + 1)) ++errors;
    EXPECT_EQ(errors, 1U) << "one message, from rank 0 only:\n" << r.output;
    EXPECT_EQ(r.output.find("MPI_ABORT"), std::string::npos) << r.output;
    EXPECT_FALSE(fs::exists(out));
    EXPECT_FALSE(fs::exists(out + ".partial"));
  }

  // Table mode: the simplest path through the same CSV reader.
  static void expect_table_failure(const std::string& content, const std::string& message) {
    const std::string name = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    expect_failure("--table " + write(name + ".csv", content) + " --id-column id", (dir_ / (name + ".h5")).string(), 3,
                   message);
  }
  static inline fs::path dir_;
};

std::string bytes_of(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Many rows so the split puts each rank's part boundary somewhere in the middle; `bad` goes on
// line 60 (the middle of the file at any rank count).
std::string rows_with(const std::string& bad) {
  std::string s = "id,name,value\n";
  for (int i = 1; i < 120; ++i) s += (i == 59 ? bad : std::to_string(i) + ",name " + std::to_string(i) + "," + std::to_string(i * 3)) + "\n";
  return s;
}

}  // namespace

TEST_F(IngestErrors, RaggedRow) { expect_table_failure(rows_with("59,short"), "line 60 has 2 fields but the header has 3"); }

TEST_F(IngestErrors, UnbalancedQuotes) {
  expect_table_failure(rows_with("59,\"never closed,1"), "quoted field that starts on line 60");
}

TEST_F(IngestErrors, QuoteInsideUnquotedField) {
  expect_table_failure(rows_with("59,5\" screen,1"), "a quote inside an unquoted field on line 60");
}

TEST_F(IngestErrors, InvalidUtf8) {
  expect_table_failure(rows_with("59,caf\xE9,1"), "invalid UTF-8 on line 60");  // Latin-1 e-acute
}

TEST_F(IngestErrors, EmptyFile) { expect_table_failure("", "is empty"); }

TEST_F(IngestErrors, HeaderOnly) { expect_table_failure("id,name,value\n", "has a header line but no data rows"); }

TEST_F(IngestErrors, HeaderAndBlankLinesOnly) { expect_table_failure("id,name,value\n\n\n", "has a header line but no data rows"); }

// Named by lines, never by the id (docs/privacy.md).
TEST_F(IngestErrors, DuplicateIds) { expect_table_failure(rows_with("58,again,1"), "hold the same customer id (the first repeat)"); }

TEST_F(IngestErrors, MissingFileAndBadOptions) {
  // Option checks do not depend on the split: one multi-rank run of them is enough.
  if (test_np() != 2) GTEST_SKIP() << "run at 2 ranks only";
  const std::string out = (dir_ / "x.h5").string();
  expect_failure("--transactions " + (dir_ / "nope.csv").string() + " --config " + source_dir() +
                     "/configs/ingest-online-retail.ini",
                 out, 3, "input file not found");
  const std::string csv = write("tx.csv", "InvoiceNo,CustomerID\n1,2\n");
  expect_failure("--transactions " + csv, out, 2, "--id-column is required");
  expect_failure("--transactions " + csv + " --config " + source_dir() + "/configs/ingest-online-retail.ini", out, 2,
                 "--date-column 'InvoiceDate' is not a column");
  expect_failure("--transactions " + csv + " --table " + csv, out, 2, "exactly one of --transactions and --table");
  expect_failure("--transactions " + csv + " --as-of 2011-02-30", out, 2, "is not a date");
}

// A transaction log whose descriptions hold commas, doubled quotes and line breaks (and whose
// dates mix ISO and M/D/YYYY H:MM), split into
// parts of 16 bytes: nearly every part boundary falls inside a quoted field. The table must be
// byte-identical to the one from a single part on one rank.
TEST_F(IngestErrors, PartBoundariesInsideQuotedFieldsGiveTheSameTable) {
  std::string csv = "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n";
  for (int i = 0; i < 60; ++i) {
    const std::string desc = i % 2 ? "\"SET OF 3, \"\"RETRO\"\"\nTINS,\r\nwith lines\"" : "PLAIN MUG";
    csv += std::to_string(536000 + i / 3) + ",P" + std::to_string(i % 7) + "," + desc + "," + std::to_string(1 + i % 5) +
           "," + (i % 4 ? "2011-0" + std::to_string(1 + i % 9) + "-15 10:00:00" : std::to_string(1 + i % 9) + "/15/2011 10:00") + "," + std::to_string(1 + i % 4) + ".25," +
           std::to_string(12000 + i % 11) + ".0," + (i % 3 ? "\"Korea, Republic of\"" : "France") + "\n";
  }
  const std::string input = write("quoted.csv", csv);
  const std::string config = " --config " + source_dir() + "/configs/ingest-online-retail.ini -q";
  const std::string one = (dir_ / "quoted-one.h5").string(), many = (dir_ / "quoted-many.h5").string();
  const auto a = run_custseg("ingest --transactions " + input + " --output " + one + config, 1);
  ASSERT_EQ(a.exit_code, 0) << a.output;
  const auto b = run_custseg("ingest --transactions " + input + " --output " + many + config + " --read-block-bytes 16");
  ASSERT_EQ(b.exit_code, 0) << b.output;
  EXPECT_EQ(bytes_of(one), bytes_of(many));
  EXPECT_EQ(bytes_of(one + ".quality.json").substr(bytes_of(one + ".quality.json").find("\"rows_read\"")),
            bytes_of(many + ".quality.json").substr(bytes_of(many + ".quality.json").find("\"rows_read\"")));
  EXPECT_NE(bytes_of(one + ".quality.json").find("\"rows_used_as_purchases\": 60"), std::string::npos);
}
