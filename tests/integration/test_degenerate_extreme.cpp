// Degenerate and extreme data end to end (docs/degenerate-and-extreme-data.md), each checked by
// an independent computation in degenerate_extreme.py (numpy's distinct rows, scikit-learn).
#include <gtest/gtest.h>

#include <sstream>
#include <utility>
#include <vector>

#include "cli.hpp"

using namespace custseg::testing;

namespace {

std::string helper() { return "/usr/bin/python3 " + source_dir() + "/tests/integration/degenerate_extreme.py "; }

RunResult python(const std::string& args) { return run_shell(helper() + args); }

// A --memory-limit that holds the per-row vectors (32 bytes a row) but not the features of the
// largest block (2 features: 24 bytes a row in memory): the features stream from the file.
std::string streaming_limit(int rows) {
  const int largest = (rows + test_np() - 1) / test_np();
  return std::to_string(largest * 32 + largest * 12);
}

class DegenerateExtreme : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = scratch_dir("degenerate-extreme");
    for (const char* table : {"dups", "huge", "offset", "scaled"}) {
      const auto made = python(std::string("make-") + table + " " + path(std::string(table) + ".h5"));
      ASSERT_EQ(made.exit_code, 0) << made.output;
    }
  }
  static void TearDownTestSuite() { std::filesystem::remove_all(dir_); }
  static std::string path(const std::string& name) { return (dir_ / name).string(); }
  static RunResult segment(const std::string& table, const std::string& out, const std::string& args) {
    return run_custseg("segment --input " + path(table) + " --output " + path(out) +
                       " --min-segment-size 0 --overwrite " + args);
  }
  static inline std::filesystem::path dir_;
};

}  // namespace

// Case 01: 17 customers, 8 distinct, k = 9.
TEST_F(DegenerateExtreme, FewerDistinctRowsThanKGiveOneSegmentPerDistinctRow) {
  for (const char* algorithm : {"lloyd", "hamerly", "yinyang"}) {
    SCOPED_TRACE(algorithm);
    const auto run = segment("dups.h5", "dups", "--k 9 --features orders,spend --algorithm " + std::string(algorithm));
    ASSERT_EQ(run.exit_code, 0) << run.output;
    EXPECT_NE(run.output.find("k = 9 requested, 8 distinct customers: 8 segments"), std::string::npos) << run.output;
    EXPECT_EQ(run.output.find("re-seeded"), std::string::npos) << run.output;
    const auto check = python("check-dups " + path("dups.h5") + " " + path("dups") + " 9");
    EXPECT_EQ(check.exit_code, 0) << check.output;
  }
}

TEST_F(DegenerateExtreme, FewerDistinctRowsThanKStreamedGiveTheSameSegments) {
  const auto run = segment("dups.h5", "dups-streamed", "--k 9 --features orders,spend --memory-limit " + streaming_limit(17));
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_NE(run.output.find("streamed in"), std::string::npos) << run.output;
  const auto check = python("check-dups " + path("dups.h5") + " " + path("dups-streamed") + " 9");
  EXPECT_EQ(check.exit_code, 0) << check.output;
}

TEST_F(DegenerateExtreme, FewerDistinctRowsThanKRefusedOnRequest) {
  const auto run = segment("dups.h5", "dups-fail", "--k 9 --features orders,spend --fewer-distinct fail");
  EXPECT_EQ(run.exit_code, 3) << run.output;
  EXPECT_NE(run.output.find("custseg segment: error: k = 9 requested, 8 distinct customers"), std::string::npos)
      << run.output;
  const auto bad = segment("dups.h5", "dups-bad", "--k 9 --features orders,spend --fewer-distinct maybe");
  EXPECT_EQ(bad.exit_code, 2) << bad.output;
}

TEST_F(DegenerateExtreme, SweepBeyondTheDistinctRowsConverges) {
  const auto run = run_custseg("sweep --input " + path("dups.h5") + " --output " + path("sweep") +
                               " --k 6:10 --restarts 2 --features orders,spend --min-segment-size 0 --overwrite");
  ASSERT_EQ(run.exit_code, 0) << run.output;
  // Every k converged (column 4), 6 and 7 with their k segments, 8 and above with the 8 distinct rows.
  std::istringstream csv(slurp(path("sweep") + "/sweep.csv"));
  std::string line;
  std::getline(csv, line);
  int rows = 0;
  while (std::getline(csv, line)) {
    std::vector<std::string> fields;
    std::istringstream cells(line);
    for (std::string cell; std::getline(cells, cell, ',');) fields.push_back(cell);
    ASSERT_GT(fields.size(), 3u) << line;
    EXPECT_EQ(fields[3], "true") << line;
    ++rows;
  }
  EXPECT_EQ(rows, 5);
}

// Case 05: one 1e200 sentinel among 200 customers.
TEST_F(DegenerateExtreme, HugeSentinelIsAnInputErrorNamingColumnAndRow) {
  for (const std::string& extra : {std::string(), std::string("--standardize false"),
                                  std::string("--transform monetary:log1p"), "--memory-limit " + streaming_limit(200)}) {
    SCOPED_TRACE(extra);
    const auto run = segment("huge.h5", "huge", "--k 3 --features monetary,frequency " + extra);
    EXPECT_EQ(run.exit_code, 3) << run.output;
    EXPECT_NE(run.output.find("custseg segment: error: feature 'monetary' is 1e+200 at row 57"), std::string::npos)
        << run.output;
  }
}

TEST_F(DegenerateExtreme, HugeSentinelDroppedOnRequest) {
  const auto run = segment("huge.h5", "huge-drop", "--k 3 --features monetary,frequency --nan-policy drop");
  ASSERT_EQ(run.exit_code, 0) << run.output;
  const auto check = python("check-finite " + path("huge-drop") + " 1");
  EXPECT_EQ(check.exit_code, 0) << check.output;
}

// Timestamps and account numbers as features without standardization: centred internally.
TEST_F(DegenerateExtreme, LargeOffsetsWithoutStandardizationMatchScikitLearn) {
  for (const char* precision : {"float32", "float64"}) {
    SCOPED_TRACE(precision);
    const auto run = segment("offset.h5", "offset", "--k 3 --n-init 3 --features ts,acct --standardize false --precision " +
                                                        std::string(precision));
    ASSERT_EQ(run.exit_code, 0) << run.output;
    const auto check = python("check-offset " + path("offset.h5") + " " + path("offset") + " raw");
    EXPECT_EQ(check.exit_code, 0) << check.output;
  }
}

// The same features standardized: their standard deviations (exact sums of squared deviations)
// keep their precision despite the offsets.
TEST_F(DegenerateExtreme, LargeOffsetsStandardizedMatchScikitLearn) {
  const auto run = segment("offset.h5", "offset-z", "--k 3 --n-init 3 --features ts,acct");
  ASSERT_EQ(run.exit_code, 0) << run.output;
  const auto check = python("check-offset " + path("offset.h5") + " " + path("offset-z") + " standardized");
  EXPECT_EQ(check.exit_code, 0) << check.output;
}

// Tiny and huge (but accepted) magnitudes: standardized k-means is scale-invariant, and the exact
// variances neither underflow (1e-300: squares below double's range) nor overflow (1e100).
TEST_F(DegenerateExtreme, TinyAndHugeMagnitudesGiveTheSameSegments) {
  const auto plain = segment("scaled.h5", "plain", "--k 3 --features monetary,frequency");
  ASSERT_EQ(plain.exit_code, 0) << plain.output;
  for (const auto& [feature, ratio] : {std::pair<std::string, std::string>{"tiny", "1e-300"}, {"huge", "1e100"}}) {
    SCOPED_TRACE(feature);
    const auto run = segment("scaled.h5", feature, "--k 3 --features " + feature + ",frequency");
    ASSERT_EQ(run.exit_code, 0) << run.output;
    const auto check = python("check-same " + path("plain") + " " + path(feature) + " " + ratio);
    EXPECT_EQ(check.exit_code, 0) << check.output;
  }
}
