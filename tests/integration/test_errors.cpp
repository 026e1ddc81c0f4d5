// Bad input gets one clear message and a non-zero exit from every rank, never a hang (each run
// is under `timeout`), never a results.h5 that looks complete.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>

#include "cli.hpp"
#include "custseg/io/customer_table.hpp"
#include "custseg/io/hdf5.hpp"

using namespace custseg::testing;
namespace fs = std::filesystem;
using custseg::io::File;

namespace {

class Errors : public GeneratedTable<Errors> {
 public:
  static constexpr const char* kScratchName = "errors";
  static std::string generate_args() { return "--rows 2000 --seed 1"; }

 protected:
  static std::string good() { return table(); }
  static std::string out(const std::string& name) { return (dir_ / name).string(); }

  // Runs segment with extra args; expects `code` and `message` in the output, printed once.
  static void expect_failure(const std::string& args, int code, const std::string& message) {
    const auto r = run_custseg("segment " + args);
    EXPECT_EQ(r.exit_code, code) << r.output;
    EXPECT_NE(r.output.find(message), std::string::npos) << "expected '" << message << "' in:\n" << r.output;
    std::size_t errors = 0;
    for (std::size_t p = r.output.find("error:"); p != std::string::npos; p = r.output.find("error:", p + 1)) ++errors;
    EXPECT_EQ(errors, 1U) << "one message, from rank 0 only:\n" << r.output;
    EXPECT_EQ(r.output.find("MPI_ABORT"), std::string::npos) << "errors must be agreed, not aborted:\n" << r.output;
  }
};

// A small table written serially with the given columns.
void write_table(const std::string& path, const std::vector<std::pair<std::string, std::vector<double>>>& columns) {
  File f = File::create_serial(path);
  for (const auto& [name, values] : columns) {
    f.create_dataset(custseg::io::column_path(name), custseg::io::ColumnType::float64, {values.size()});
    f.write_rows<double>(custseg::io::column_path(name), {0, values.size()}, values);
  }
}

std::vector<double> ramp(std::size_t n) {
  std::vector<double> v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = static_cast<double>(i % 17);
  return v;
}

// Customer ids 1..n: segment refuses repeated ids, so tables that test something else need these.
std::vector<double> ids(std::size_t n) {
  std::vector<double> v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = static_cast<double>(i + 1);
  return v;
}

}  // namespace

TEST_F(Errors, MissingInputFile) {
  expect_failure("--input " + out("nope.h5") + " --output " + out("o1"), 3, "input file not found");
}

TEST_F(Errors, CorruptInputFile) {
  std::ofstream(out("corrupt.h5")) << "this is not an HDF5 file, just text pretending to be one";
  expect_failure("--input " + out("corrupt.h5") + " --output " + out("o2"), 3, "not an HDF5 file");
}

TEST_F(Errors, MissingColumn) {
  expect_failure("--input " + good() + " --output " + out("o3") + " --features monetary,loyalty_points", 3,
                 "column 'loyalty_points' not found");
}

TEST_F(Errors, ColumnsOfDifferentLengths) {
  write_table(out("ragged.h5"), {{"customer_id", ids(100)}, {"monetary", ramp(100)}, {"frequency", ramp(99)}});
  expect_failure("--input " + out("ragged.h5") + " --output " + out("o4") + " --features monetary,frequency", 3,
                 "columns of different lengths");
}

TEST_F(Errors, NanUnderPolicyFailNamesTheRow) {
  auto values = ramp(100);
  values[42] = std::nan("");
  write_table(out("nan.h5"), {{"customer_id", ids(100)}, {"monetary", values}, {"frequency", ramp(100)}});
  expect_failure("--input " + out("nan.h5") + " --output " + out("o5") + " --features monetary,frequency --k 2", 3,
                 "at row 42");
  EXPECT_FALSE(fs::exists(out("o5") + "/results.h5"));
}

TEST_F(Errors, NanUnderPolicyDropIsCountedAndMarked) {
  auto values = ramp(100);
  values[7] = std::nan("");
  values[93] = INFINITY;
  write_table(out("nan2.h5"), {{"customer_id", ids(100)}, {"monetary", values}, {"frequency", ramp(100)}});
  const auto r = run_custseg("segment -q --input " + out("nan2.h5") + " --output " + out("o6") +
                             " --features monetary,frequency --k 2 --nan-policy drop");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto seg = File::open_serial(out("o6") + "/results.h5", false).read_all<std::int32_t>("/assignments/segment");
  EXPECT_EQ(seg[7], -1);
  EXPECT_EQ(seg[93], -1);
  EXPECT_GE(seg[8], 0);
  EXPECT_EQ(File::open_serial(out("o6") + "/results.h5", false).read_double_attribute("/model", "n_rows_dropped"), 2.0);
}

TEST_F(Errors, KBelowOne) { expect_failure("--input " + good() + " --output " + out("o7") + " --k 0", 2, "--k must be at least 1"); }

TEST_F(Errors, KAboveRows) {
  expect_failure("--input " + good() + " --output " + out("o8") + " --k 2001", 3, "exceeds the number of usable rows");
}

TEST_F(Errors, UnknownOption) {
  expect_failure("--input " + good() + " --output " + out("o9") + " --kk 3", 2, "unrecognised option");
}

TEST_F(Errors, WrongValueType) {
  expect_failure("--input " + good() + " --output " + out("o10") + " --k five", 2, "invalid");
}

TEST_F(Errors, UnwritableOutputDirectory) {
  std::ofstream(out("a-file")) << "x";
  expect_failure("--input " + good() + " --output " + out("a-file") + "/sub", 4, "cannot create output directory");
}

TEST_F(Errors, OutputExistsWithoutOverwrite) {
  const std::string dir = out("o11-np" + std::to_string(test_np()));
  const auto first = run_custseg("segment -q --k 3 --input " + good() + " --output " + dir);
  ASSERT_EQ(first.exit_code, 0) << first.output;
  expect_failure("--k 3 --input " + good() + " --output " + dir, 4, "already exists; pass --overwrite");
  const auto again = run_custseg("segment -q --k 3 --overwrite --input " + good() + " --output " + dir);
  EXPECT_EQ(again.exit_code, 0) << again.output;
}

TEST_F(Errors, NonNumericColumn) {
  // A text column is refused when it is asked for as a feature, naming it (unused, it is ignored:
  // tests/integration/test_input_hdf5.cpp).
  {
    File f = File::create_serial(out("strings.h5"));
    f.write_strings("/customers/segment_name", {"a", "b", "c"});
    f.create_dataset("/customers/customer_id", custseg::io::ColumnType::uint64, {3});
  }
  expect_failure("--input " + out("strings.h5") + " --output " + out("o12") + " --features segment_name", 3,
                 "feature column 'segment_name' in " + out("strings.h5") + " holds text, not numbers");
}

TEST_F(Errors, RanksWithZeroRowsStillTakePart) {
  // Two rows on up to four ranks: some ranks hold nothing and must still join every collective.
  write_table(out("tiny.h5"), {{"customer_id", {1, 2}}, {"monetary", {1.0, 5.0}}});
  const auto r = run_custseg("segment -q --input " + out("tiny.h5") + " --output " + out("o13") + " --features monetary --k 2");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto seg = File::open_serial(out("o13") + "/results.h5", false).read_all<std::int32_t>("/assignments/segment");
  EXPECT_NE(seg[0], seg[1]);
}
