// custseg compare end to end (docs/compare.md): two periods made from a generated table by
// compare_periods.py (customers dropped and added, rows shuffled, features moved, rows with NaN),
// segmented, compared, and checked against the script's serial reference (pandas merge and
// crosstab, scikit-learn's adjusted_rand_score, numpy deciles and PSI, exact KPI sums), and the
// outputs' order: both runs' segments by stable ID (the "num" current run is made with --previous).
#include <gtest/gtest.h>

#include <sstream>

#include "cli.hpp"

using namespace custseg::testing;

namespace {

// The first `n` comma-separated fields of every line (migration.csv: segment labels and count).
std::string first_columns(const std::string& text, int n) {
  std::string out;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    std::size_t end = 0;
    for (int i = 0; i < n && end != std::string::npos; ++i) end = line.find(',', end == 0 ? 0 : end + 1);
    out += line.substr(0, end) + "\n";
  }
  return out;
}

std::string helper() { return "/usr/bin/python3 " + source_dir() + "/tests/integration/compare_periods.py "; }

class ComparePeriods : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = scratch_dir("compare");
    const auto gen = run_custseg("generate --rows 4000 --seed 5 --output " + path("base.h5"));
    ASSERT_EQ(gen.exit_code, 0) << gen.output;
    for (const char* variant : {"num", "text"}) {
      const std::string v = variant;
      const auto made = run_shell(helper() + "make " + path("base.h5") + " " + path(v + "-a.h5") + " " +
                                  path(v + "-b.h5") + (v == "text" ? " --text-ids" : ""));
      ASSERT_EQ(made.exit_code, 0) << made.output;
      for (const auto& [period, k] : {std::pair<std::string, int>{"a", 4}, {"b", 5}}) {
        const auto run = run_custseg("segment --input " + path(v + "-" + period + ".h5") + " --output " +
                                     path(v + "-run-" + period) + " --k " + std::to_string(k) +
                                     " --nan-policy drop --min-segment-size 0 --seed 3" +
                                     // num's current run carries run a's IDs: not in k-means index
                                     // order, so every output's order by segment ID is exercised.
                                     (v == "num" && period == "b" ? " --previous " + path("num-run-a/results.h5") : ""));
        ASSERT_EQ(run.exit_code, 0) << run.output;
      }
    }
  }
  static void TearDownTestSuite() { std::filesystem::remove_all(dir_); }
  static std::string path(const std::string& name) { return (dir_ / name).string(); }
  static RunResult compare(const std::string& v, const std::string& out, const std::string& extra = "", int np = test_np()) {
    return run_custseg("compare --previous " + path(v + "-run-a/results.h5") + " --current " +
                           path(v + "-run-b/results.h5") + " --output " + path(out) + " " + extra,
                       np);
  }
  static std::string inputs(const std::string& v) {
    return "--previous-input " + path(v + "-a.h5") + " --current-input " + path(v + "-b.h5");
  }
  static RunResult reference(const std::string& v, const std::string& out) {
    return run_shell(helper() + "check " + path(v + "-a.h5") + " " + path(v + "-b.h5") + " " + path(v + "-run-a") +
                     " " + path(v + "-run-b") + " " + path(out) + (v == "num" ? " --permuted" : ""));
  }
  static bool no_outputs(const std::string& out) {
    for (const char* name : {"migration.csv", "report.json", "report.html"})
      if (std::filesystem::exists(dir_ / out / name)) return false;
    return true;
  }
  // A copy of run a's results.h5 as NAME, changed by `compare_periods.py EDIT NAME ARGS`.
  static RunResult edited_copy(const std::string& name, const std::string& edit, const std::string& args) {
    std::filesystem::copy_file(path("num-run-a/results.h5"), path(name), std::filesystem::copy_options::overwrite_existing);
    return run_shell(helper() + edit + " " + path(name) + " " + args);
  }
  // compare with PREVIOUS (a file in the scratch dir) as the previous run and run b as the current one.
  static RunResult compare_with(const std::string& previous, const std::string& out) {
    return run_custseg("compare --previous " + path(previous) + " --current " + path("num-run-b/results.h5") +
                       " --output " + path(out));
  }
  static inline std::filesystem::path dir_;
};

}  // namespace

TEST_F(ComparePeriods, NumericIdsMatchTheSerialReference) {
  const auto run = compare("num", "cmp-num", inputs("num"));
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_NE(run.output.find("peak memory per rank: "), std::string::npos) << run.output;
  const auto check = reference("num", "cmp-num");
  EXPECT_EQ(check.exit_code, 0) << check.output;
  const std::string html = slurp(dir_ / "cmp-num" / "report.html");
  EXPECT_NE(html.find("<svg class=\"chart\""), std::string::npos);
  EXPECT_NE(html.find(">lost<"), std::string::npos);
}

TEST_F(ComparePeriods, StringIdsMatchTheSerialReference) {
  const auto run = compare("text", "cmp-text", inputs("text"));
  ASSERT_EQ(run.exit_code, 0) << run.output;
  const auto check = reference("text", "cmp-text");
  EXPECT_EQ(check.exit_code, 0) << check.output;
}

TEST_F(ComparePeriods, BitwiseIdenticalToOneRank) {
  if (test_np() == 1) GTEST_SKIP() << "compared with 1 rank at the other rank counts";
  const auto here = compare("num", "cmp-np", inputs("num"));
  const auto one = compare("num", "cmp-np1", inputs("num"), 1);
  ASSERT_EQ(here.exit_code, 0) << here.output;
  ASSERT_EQ(one.exit_code, 0) << one.output;
  EXPECT_EQ(slurp(dir_ / "cmp-np" / "migration.csv"), slurp(dir_ / "cmp-np1" / "migration.csv"));
}

// segment records the absolute path of its input in /model@input_path: without --previous-input and
// --current-input compare reads those tables, so the KPI matrices and the PSI match the reference.
TEST_F(ComparePeriods, RecordedInputPathsAreTheDefaultInputs) {
  const auto run = compare("num", "cmp-recorded");
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_EQ(run.output.find("note: "), std::string::npos) << run.output;
  const auto check = reference("num", "cmp-recorded");
  EXPECT_EQ(check.exit_code, 0) << check.output;
  const std::string csv = slurp(dir_ / "cmp-recorded" / "migration.csv");
  EXPECT_EQ(csv.substr(0, csv.find('\n')), "previous_segment,current_segment,customers,share_of_previous,churned,revenue_12m");
  const std::string json = slurp(dir_ / "cmp-recorded" / "report.json");
  EXPECT_NE(json.find("\"input\": \"" + std::filesystem::absolute(path("num-a.h5")).lexically_normal().string() + "\""),
            std::string::npos) << json;
}

TEST_F(ComparePeriods, ARecordedInputThatNoLongerExistsSkipsKpisAndStabilityWithANote) {
  const auto edited = edited_copy("moved.h5", "recorded", path("moved-away.h5"));
  ASSERT_EQ(edited.exit_code, 0) << edited.output;
  const auto run = compare_with("moved.h5", "cmp-moved");
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_NE(run.output.find("note: the previous run's recorded input " + path("moved-away.h5") + " does not exist"),
            std::string::npos) << run.output;
  EXPECT_NE(run.output.find("note: KPI weighting and feature stability (PSI) skipped"), std::string::npos) << run.output;
  const std::string csv = slurp(dir_ / "cmp-moved" / "migration.csv");
  EXPECT_EQ(csv.substr(0, csv.find('\n')), "previous_segment,current_segment,customers,share_of_previous");
  // The matrix itself does not need the tables: the same counts as with them.
  const auto full = compare("num", "cmp-moved-ref", inputs("num"));
  ASSERT_EQ(full.exit_code, 0) << full.output;
  EXPECT_EQ(first_columns(csv, 3), first_columns(slurp(dir_ / "cmp-moved-ref" / "migration.csv"), 3));
}

TEST_F(ComparePeriods, ARunWithoutARecordedInputSkipsKpisAndStabilityWithANote) {
  const auto edited = edited_copy("unrecorded.h5", "recorded", "");
  ASSERT_EQ(edited.exit_code, 0) << edited.output;
  const auto run = compare_with("unrecorded.h5", "cmp-unrecorded");
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_NE(run.output.find("note: no input table for the previous run (--previous-input not given, no input_path "
                            "recorded in " + path("unrecorded.h5") + ")"),
            std::string::npos) << run.output;
  EXPECT_NE(run.output.find("note: KPI weighting and feature stability (PSI) skipped"), std::string::npos) << run.output;
}

TEST_F(ComparePeriods, AResultsFileWithoutAssignmentsIsRefused) {
  ASSERT_EQ(edited_copy("no-assignments.h5", "drop", "assignments").exit_code, 0);
  const auto run = compare_with("no-assignments.h5", "cmp-no-assignments");
  EXPECT_EQ(run.exit_code, 3) << run.output;
  EXPECT_NE(run.output.find("has no per-customer assignments"), std::string::npos) << run.output;
  EXPECT_TRUE(no_outputs("cmp-no-assignments"));
}

TEST_F(ComparePeriods, AFileThatIsNotAResultsFileIsRefused) {
  const auto run = compare_with("num-a.h5", "cmp-bad");
  EXPECT_EQ(run.exit_code, 3) << run.output;
  EXPECT_NE(run.output.find("is not a custseg results file"), std::string::npos) << run.output;
  EXPECT_TRUE(no_outputs("cmp-bad"));
}

TEST_F(ComparePeriods, ANewerFormatMajorVersionIsRefused) {
  ASSERT_EQ(edited_copy("newer.h5", "mark", "custseg-results 2.0").exit_code, 0);
  const auto run = compare_with("newer.h5", "cmp-newer");
  EXPECT_EQ(run.exit_code, 3) << run.output;
  EXPECT_NE(run.output.find("was written by a newer custseg: format 2.0, this build reads 1.x"), std::string::npos)
      << run.output;
  EXPECT_TRUE(no_outputs("cmp-newer"));
}

TEST_F(ComparePeriods, AnInputWhoseRowCountDiffersIsRefused) {
  const auto run = compare("num", "cmp-rows", "--previous-input " + path("base.h5") + " --current-input " + path("num-b.h5"));
  EXPECT_EQ(run.exit_code, 3) << run.output;
  EXPECT_NE(run.output.find("give the table that run segmented"), std::string::npos) << run.output;
  EXPECT_TRUE(no_outputs("cmp-rows"));
}

// The recorded path now holds another table (here the base table, more rows): refused like a named
// one, and the message says where the path came from and how to name another.
TEST_F(ComparePeriods, ARecordedInputWithOtherRowsIsRefusedAndSaysItWasRecorded) {
  ASSERT_EQ(edited_copy("rewritten.h5", "recorded", path("base.h5")).exit_code, 0);
  const auto run = compare_with("rewritten.h5", "cmp-rewritten");
  EXPECT_EQ(run.exit_code, 3) << run.output;
  EXPECT_NE(run.output.find("give the table that run segmented (rows in the same order); the path was recorded in "
                            "the run, --previous-input names another"),
            std::string::npos) << run.output;
  EXPECT_TRUE(no_outputs("cmp-rewritten"));
}

TEST_F(ComparePeriods, DifferentFeaturesSkipDriftAndKeepSharedStability) {
  const auto seg = run_custseg("segment --input " + path("num-b.h5") + " --output " + path("num-run-b3") +
                               " --k 3 --features recency_days,frequency --min-segment-size 0");
  ASSERT_EQ(seg.exit_code, 0) << seg.output;
  const auto run = run_custseg("compare --previous " + path("num-run-a/results.h5") + " --current " +
                               path("num-run-b3/results.h5") + " --output " + path("cmp-feat") + " " + inputs("num"));
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_NE(run.output.find("centroid drift not computed: the runs have different features"), std::string::npos)
      << run.output;
  const auto check = run_shell(helper() + "check " + path("num-a.h5") + " " + path("num-b.h5") + " " +
                               path("num-run-a") + " " + path("num-run-b3") + " " + path("cmp-feat"));
  EXPECT_EQ(check.exit_code, 0) << check.output;
}

TEST_F(ComparePeriods, ARepeatedIdIsRefusedAndNamed) {
  const auto made = run_shell(helper() + "repeat " + path("num-a.h5") + " " + path("dup-a.h5"));
  ASSERT_EQ(made.exit_code, 0) << made.output;
  const std::string id = made.output.substr(0, made.output.find('\n'));
  const auto seg = run_custseg("segment --input " + path("dup-a.h5") + " --output " + path("dup-run") +
                               " --k 3 --nan-policy drop --allow-duplicate-ids true --min-segment-size 0");
  ASSERT_EQ(seg.exit_code, 0) << seg.output;
  const auto run = compare_with("dup-run/results.h5", "cmp-dup");
  EXPECT_EQ(run.exit_code, 3) << run.output;
  EXPECT_NE(run.output.find("a customer id appears more than once in"), std::string::npos) << run.output;
  EXPECT_EQ(run.output.find(" " + id + " "), std::string::npos) << run.output;  // never the id (docs/privacy.md)
  EXPECT_TRUE(no_outputs("cmp-dup"));
}

// A table with the run's row count but other rows (permuted, or made again after the run) would
// weight and bin the wrong customers: each rank compares its block of the table's ids with the
// assignments', and the message names the first differing row (the same at any rank count).
class CompareOtherRows : public ComparePeriods {
 protected:
  static void expect_refused(const RunResult& run, const std::string& table, const std::string& made) {
    std::istringstream fields(made);
    std::string row;
    fields >> row;
    EXPECT_EQ(run.exit_code, 3) << run.output;
    // The first differing row, never the ids on it (docs/privacy.md).
    EXPECT_NE(run.output.find(table + " row " + row + " has another customer_id than "), std::string::npos)
        << made << run.output;
    EXPECT_NE(run.output.find("/assignments/customer_id row " + row +
                              ": rows are not in the order of the run's assignments: the table changed since the "
                              "run, or is another table"),
              std::string::npos) << run.output;
  }
};

TEST_F(CompareOtherRows, APermutedCopyIsRefusedNamingTheFirstDifferingRow) {
  for (const std::string v : {"num", "text"}) {
    const auto made = run_shell(helper() + "permute " + path(v + "-a.h5") + " " + path(v + "-permuted.h5"));
    ASSERT_EQ(made.exit_code, 0) << made.output;
    const auto run = compare(v, "cmp-permuted-" + v, "--previous-input " + path(v + "-permuted.h5") +
                                                         " --current-input " + path(v + "-b.h5"));
    expect_refused(run, path(v + "-permuted.h5"), made.output);
    EXPECT_TRUE(no_outputs("cmp-permuted-" + v));
  }
}

TEST_F(CompareOtherRows, ARegeneratedTableAtTheRecordedPathIsRefused) {
  const auto made = run_shell(helper() + "regenerate " + path("base.h5") + " " + path("num-a.h5") + " " +
                              path("regenerated.h5"));
  ASSERT_EQ(made.exit_code, 0) << made.output;
  ASSERT_EQ(edited_copy("regenerated-run.h5", "recorded", path("regenerated.h5")).exit_code, 0);
  const auto run = compare_with("regenerated-run.h5", "cmp-regenerated");
  expect_refused(run, path("regenerated.h5"), made.output);
  EXPECT_TRUE(no_outputs("cmp-regenerated"));
}
