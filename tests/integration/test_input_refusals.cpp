// Inputs that are refused with the real problem named (docs/input-errors.md): a symlink loop, a
// directory, a table with no rows, every row NaN under --nan-policy drop, duplicate customer ids, and
// values whose squares overflow double precision (1e154, 1e300, -1e300, DBL_MAX). Exit 3, one
// message, every rank count, no HDF5-DIAG, no results.h5.
#include <gtest/gtest.h>

#include <cfloat>
#include <limits>

#include "cli.hpp"
#include "custseg/io/customer_table.hpp"
#include "custseg/io/hdf5.hpp"

using namespace custseg::testing;
namespace fs = std::filesystem;
using custseg::io::File;

namespace {

void write_table(const std::string& path, const std::vector<std::pair<std::string, std::vector<double>>>& columns) {
  File f = File::create_serial(path);
  for (const auto& [name, values] : columns) {
    f.create_dataset(custseg::io::column_path(name), custseg::io::ColumnType::float64, {values.size()});
    if (!values.empty()) f.write_rows<double>(custseg::io::column_path(name), {0, values.size()}, values);
  }
}

std::vector<double> sequence(std::size_t n, double start) {
  std::vector<double> v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = start + static_cast<double>(i % 23);
  return v;
}

// Customer ids 1..n (segment refuses repeated ids).
std::vector<double> unique_ids(std::size_t n) {
  std::vector<double> v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = static_cast<double>(i + 1);
  return v;
}

class InputRefusals : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { dir_ = scratch_dir("input-refusals"); }
  static void TearDownTestSuite() { fs::remove_all(dir_); }
  static std::string path(const std::string& name) { return (dir_ / name).string(); }

  static void expect_input_error(const std::string& args, const std::string& message, const std::string& out) {
    const auto r = run_custseg(args, test_np(), 60);
    EXPECT_EQ(r.exit_code, 3) << args << "\n" << r.output;
    EXPECT_NE(r.output.find(message), std::string::npos) << "expected '" << message << "' in:\n" << r.output;
    std::size_t errors = 0;
    for (std::size_t p = r.output.find("error:"); p != std::string::npos; p = r.output.find("error:", p + 1)) ++errors;
    EXPECT_EQ(errors, 1U) << "one message, from rank 0 only:\n" << r.output;
    for (const char* leak : {"HDF5-DIAG", "MPI_ABORT", "internal error"})
      EXPECT_EQ(r.output.find(leak), std::string::npos) << leak << " in:\n" << r.output;
    EXPECT_FALSE(fs::exists(out + "/results.h5"));
  }

  static std::string segment(const std::string& input, const std::string& out, const std::string& extra = "") {
    return "segment -q --k 2 --features a,b --input " + input + " --output " + out + extra;
  }

  static inline fs::path dir_;
};

TEST_F(InputRefusals, SymlinkLoopSaysSo) {
  fs::create_symlink(path("loop-b.h5"), path("loop-a.h5"));
  fs::create_symlink(path("loop-a.h5"), path("loop-b.h5"));
  expect_input_error(segment(path("loop-a.h5"), path("o1")), "Too many levels of symbolic links", path("o1"));
  expect_input_error("score -q --model " + path("loop-a.h5") + " --input x.h5 --output " + path("o2"),
                     "Too many levels of symbolic links", path("o2"));
}

TEST_F(InputRefusals, DirectoryIsOneClearMessage) {
  fs::create_directories(path("folder.h5"));
  expect_input_error(segment(path("folder.h5"), path("o3")), "input is a directory, not an HDF5 file", path("o3"));
}

TEST_F(InputRefusals, ZeroRowsSaysTheTableHasNoRows) {
  write_table(path("empty.h5"), {{"customer_id", {}}, {"a", {}}, {"b", {}}});
  expect_input_error(segment(path("empty.h5"), path("o4")), "has no rows", path("o4"));
  expect_input_error("sweep -q --k 2:3 --features a,b --input " + path("empty.h5") + " --output " + path("o5"),
                     "has no rows", path("o5"));
}

TEST_F(InputRefusals, EveryRowNanSaysAllRowsWereDropped) {
  const std::vector<double> nan(40, std::numeric_limits<double>::quiet_NaN());
  write_table(path("nan.h5"), {{"customer_id", unique_ids(40)}, {"a", nan}, {"b", sequence(40, 0)}});
  expect_input_error(segment(path("nan.h5"), path("o6"), " --nan-policy drop"), "all 40 rows of", path("o6"));
  expect_input_error("sweep -q --k 2:3 --features a,b --nan-policy drop --input " + path("nan.h5") + " --output " +
                         path("o7"),
                     "NaN/Inf (or a magnitude above 1e120) in a feature under --nan-policy drop", path("o7"));
}

TEST_F(InputRefusals, DuplicateCustomerIdsAreRefused) {
  std::vector<double> ids = unique_ids(40);
  ids[30] = 7;
  write_table(path("dups.h5"), {{"customer_id", ids}, {"a", sequence(40, 0)}, {"b", sequence(40, 3)}});
  // Rows, never the id itself (docs/privacy.md).
  expect_input_error(segment(path("dups.h5"), path("o8")), "holds a customer id more than once: rows 6 and 30",
                     path("o8"));
}

TEST_F(InputRefusals, ValuesWhoseSquaresOverflowNameTheColumn) {
  const double values[] = {1e154, 1e300, -1e300, DBL_MAX};
  for (std::size_t v = 0; v < 4; ++v) {
    std::vector<double> a = sequence(40, 0);
    a[33] = values[v];
    const std::string table = path("huge" + std::to_string(v) + ".h5");
    write_table(table, {{"customer_id", unique_ids(40)}, {"a", a}, {"b", sequence(40, 3)}});
    const std::string out = path("oh" + std::to_string(v));
    expect_input_error(segment(table, out), "feature 'a' is", out);
    expect_input_error(segment(table, out), "their squares overflow double precision", out);
    // Dropped under --nan-policy drop: the run completes on the other rows.
    const auto dropped = run_custseg(segment(table, out, " --nan-policy drop"), test_np(), 60);
    EXPECT_EQ(dropped.exit_code, 0) << dropped.output;
  }
}

}  // namespace
