// Stable segment IDs across periods (docs/segment-ids.md): segment --previous keeps the IDs of
// matched segments whatever order k-means finds them in, gives a segment that moved beyond the
// threshold a fresh ID, refuses other features; generate --period 2 is deterministic for any rank
// count and keeps, loses and adds customers in the documented proportions. The reference values
// are the known blob centres of the crafted tables and numpy/h5py (segment_ids.py).
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <set>
#include <nlohmann/json.hpp>

#include "cli.hpp"
#include "results_reader.hpp"

using namespace custseg::testing;
namespace fs = std::filesystem;

namespace {

std::string helper() { return "/usr/bin/python3 " + source_dir() + "/tests/integration/segment_ids.py "; }

// The crafted blob tables (segment_ids.py blobs) of both periods and the period-1 run they are
// matched against.
class SegmentIds : public GeneratedTable<SegmentIds> {
 public:
  static constexpr const char* kScratchName = "segment_ids";
  static std::string generate_args() { return "--rows 2000 --seed 5"; }
  static void after_generate() {
    for (int period : {1, 2}) {
      const auto py = run_shell(helper() + "blobs " + blobs(period) + " " + std::to_string(period));
      ASSERT_EQ(py.exit_code, 0) << py.output;
    }
    run_reference(segment(1, "period1", "--seed 1"));
    for (const char* drift : {"1", "0"}) {
      const auto gen = run_custseg("generate --rows 2000 --seed 5 --period 2 --drift " + std::string(drift) +
                                       " -q --output " + (dir_ / ("period2-drift" + std::string(drift) + ".h5")).string(),
                                   1);
      ASSERT_EQ(gen.exit_code, 0) << gen.output;
    }
  }

 protected:
  static std::string blobs(int period) { return (dir_ / ("blobs" + std::to_string(period) + ".h5")).string(); }
  static std::string results(const std::string& run) { return (dir_ / run / "results.h5").string(); }
  static std::string segment(int period, const std::string& run, const std::string& extra,
                             const std::string& features = "x,y", int k = 4) {
    return "segment --input " + blobs(period) + " --output " + (dir_ / run).string() + " --features " + features +
           " --k " + std::to_string(k) + " --n-init 1 -q --overwrite " + extra;
  }
  // Stable ID of the segment whose centroid lies nearest each known centre.
  static std::vector<std::int32_t> ids_by_centre(const std::string& file, const std::vector<std::array<double, 2>>& centres) {
    const auto c = read_dataset<double>(file, "/model/centroids");
    const auto id = read_dataset<std::int32_t>(file, "/segments/segment_id");
    std::vector<std::int32_t> out;
    for (const auto& centre : centres) {
      std::size_t best = 0;
      for (std::size_t s = 1; s < id.size(); ++s)
        if (std::hypot(c[2 * s] - centre[0], c[2 * s + 1] - centre[1]) <
            std::hypot(c[2 * best] - centre[0], c[2 * best + 1] - centre[1]))
          best = s;
      out.push_back(id[best]);
    }
    return out;
  }
  // customer id -> stable segment ID.
  static std::map<std::uint64_t, std::int32_t> assignments(const std::string& file) {
    const auto ids = read_dataset<std::uint64_t>(file, "/assignments/customer_id");
    const auto seg = read_dataset<std::int32_t>(file, "/assignments/segment");
    std::map<std::uint64_t, std::int32_t> out;
    for (std::size_t i = 0; i < ids.size(); ++i) out[ids[i]] = seg[i];
    return out;
  }
};

const std::vector<std::array<double, 2>> kPeriod1 = {{0, 0}, {10, 0}, {0, 10}, {10, 10}};
const std::vector<std::array<double, 2>> kPeriod2 = {{0.3, -0.2}, {10.3, -0.2}, {0.3, 9.8}, {30, 30}};

}  // namespace

TEST_F(SegmentIds, WithoutPreviousIdsAreIndices) {
  EXPECT_EQ(read_dataset<std::int32_t>(results("period1"), "/segments/segment_id"), (std::vector<std::int32_t>{0, 1, 2, 3}));
  EXPECT_EQ(read_attr(results("period1"), "/model", "next_segment_id"), 4.0);
}

TEST_F(SegmentIds, SameCustomersKeepTheirIdsUnderAnotherSeed) {
  const std::string run = "reseeded-np" + std::to_string(test_np());
  const auto r = run_custseg(segment(1, run, "--seed 2 --previous " + results("period1")));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  // The test means something only if k-means numbered the segments differently this time.
  const auto pairs = read_dataset<std::int32_t>(results(run), "/matching/pairs");
  ASSERT_EQ(pairs.size(), 8u);
  bool permuted = false;
  for (std::size_t p = 0; p < 4; ++p) permuted = permuted || pairs[2 * p] != pairs[2 * p + 1];
  EXPECT_TRUE(permuted) << "seed 2 found the segments in the same order as seed 1: pick another seed";
  EXPECT_EQ(assignments(results(run)), assignments(results("period1")));
  EXPECT_EQ(ids_by_centre(results(run), kPeriod1), ids_by_centre(results("period1"), kPeriod1));
  EXPECT_TRUE(read_dataset<std::int32_t>(results(run), "/matching/vanished").empty());
}

TEST_F(SegmentIds, DriftedSegmentsKeepIdsAndAFarOneGetsAFreshId) {
  const std::string run = "period2-np" + std::to_string(test_np());
  const auto r = run_custseg(segment(2, run, "--seed 3 --previous " + results("period1")), test_np());
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto before = ids_by_centre(results("period1"), kPeriod1);
  const auto after = ids_by_centre(results(run), kPeriod2);
  for (std::size_t b = 0; b < 3; ++b) EXPECT_EQ(after[b], before[b]) << "blob " << b << " moved 0.36: keeps its ID";
  EXPECT_EQ(after[3], 4) << "the blob that moved to (30,30) gets the next ID";
  EXPECT_EQ(read_dataset<std::int32_t>(results(run), "/matching/vanished"), std::vector<std::int32_t>{before[3]});
  EXPECT_EQ(read_attr(results(run), "/model", "next_segment_id"), 5.0);
  EXPECT_EQ(read_attr(results(run), "/matching", "threshold"), 1.0);
  const auto distance = read_dataset<double>(results(run), "/matching/distance");
  ASSERT_EQ(distance.size(), 4u);
  EXPECT_EQ(std::count_if(distance.begin(), distance.end(), [](double d) { return d > 1.0; }), 1);
  // Customers of the kept blobs carry the same ID in both periods; the moved blob's carry the new one.
  const auto first = assignments(results("period1")), second = assignments(results(run));
  for (const auto& [id, seg] : second)
    EXPECT_EQ(seg, first.at(id) == before[3] ? 4 : first.at(id)) << "customer " << id;
  const auto j = nlohmann::json::parse(slurp(dir_ / run / "report.json"));
  EXPECT_EQ(j["segment_matching"]["vanished"], nlohmann::json::array({before[3]}));
  std::set<int> shown;
  for (const auto& s : j["segments"]) shown.insert(s["segment"].get<int>());
  EXPECT_EQ(shown, (std::set<int>{before[0], before[1], before[2], 4}));
  EXPECT_NE(slurp(dir_ / run / "segments.csv").find("\n4,500,"), std::string::npos) << "segments.csv shows the stable ID";
}

TEST_F(SegmentIds, WarmStartFromThePreviousCentroids) {
  const std::string run = "warm-np" + std::to_string(test_np());
  const auto r = run_custseg(segment(1, run, "--seed 9 --warm-start true --previous " + results("period1")));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_LE(read_attr(results(run), "/model", "iterations"), 2.0) << "started at the converged centroids";
  EXPECT_EQ(assignments(results(run)), assignments(results("period1")));
  const auto k3 = run_custseg(segment(1, run + "-k3", "--warm-start true --previous " + results("period1"), "x,y", 3));
  EXPECT_EQ(k3.exit_code, 2) << k3.output;
  EXPECT_NE(k3.output.find("has 4 segments but --k is 3"), std::string::npos) << k3.output;
}

TEST_F(SegmentIds, PreviousWithOtherFeaturesIsAUsageError) {
  const auto r = run_custseg(segment(1, "other-features", "--previous " + results("period1"), "y,x"));
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("[x, y]"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("[y, x]"), std::string::npos) << r.output;
  EXPECT_FALSE(fs::exists(dir_ / "other-features" / "results.h5"));
  const auto no_previous = run_custseg(segment(1, "warm-alone", "--warm-start true"));
  EXPECT_EQ(no_previous.exit_code, 2) << no_previous.output;
}

TEST_F(SegmentIds, PreviousOfANewerFormatOrNotAResultsFileIsAnInputError) {
  const std::string newer = (dir_ / ("format2-np" + std::to_string(test_np()) + ".h5")).string();
  fs::copy_file(results("period1"), newer, fs::copy_options::overwrite_existing);
  const auto py = run_shell("/usr/bin/python3 -c \"import h5py,sys; f=h5py.File(sys.argv[1],'a'); "
                            "f.attrs['format']='custseg-results'; f.attrs['format_version']='2.0'\" " + newer);
  ASSERT_EQ(py.exit_code, 0) << py.output;
  const auto r = run_custseg(segment(1, "newer", "--previous " + newer));
  EXPECT_EQ(r.exit_code, 3) << r.output;
  EXPECT_NE(r.output.find("format 2.0"), std::string::npos) << r.output;
  const auto table_as_model = run_custseg(segment(1, "not-results", "--previous " + blobs(1)));
  EXPECT_EQ(table_as_model.exit_code, 3) << table_as_model.output;
  EXPECT_NE(table_as_model.output.find("not a custseg results file"), std::string::npos) << table_as_model.output;
}

// A --previous that cannot be used is refused right after reading the input, before k-means: no
// fit is spent on it, and no fitted checkpoint.h5 is left that would make the corrected rerun
// fail on an existing output (--checkpoint-every 1 would write one during the fit).
TEST_F(SegmentIds, AnUnusablePreviousFailsBeforeTheFitAndLeavesNoCheckpoint) {
  const std::string np = "-np" + std::to_string(test_np());
  const auto run = [&](const std::string& out, const std::string& previous, const std::string& features) {
    return run_custseg("segment --input " + blobs(1) + " --output " + (dir_ / out).string() + " --features " +
                       features + " --k 4 --n-init 1 --checkpoint-every 1 --previous " + previous);
  };
  const auto missing = run("fast-missing" + np, (dir_ / "no-such-run" / "results.h5").string(), "x,y");
  EXPECT_EQ(missing.exit_code, 3) << missing.output;
  EXPECT_NE(missing.output.find("no-such-run/results.h5"), std::string::npos) << missing.output;
  const auto other = run("fast-other" + np, results("period1"), "y,x");
  EXPECT_EQ(other.exit_code, 2) << other.output;
  EXPECT_NE(other.output.find("segments can only be matched on the same features"), std::string::npos) << other.output;
  for (const auto& [out, r] : {std::pair{"fast-missing" + np, &missing}, std::pair{"fast-other" + np, &other}}) {
    EXPECT_EQ(r->output.find("k-means"), std::string::npos) << "failed only after the fit:\n" << r->output;
    EXPECT_FALSE(fs::exists(dir_ / out / "checkpoint.h5")) << out;
    EXPECT_FALSE(fs::exists(dir_ / out / "results.h5")) << out;
  }
}

// Without --previous a threshold would be ignored silently: refused like --warm-start.
TEST_F(SegmentIds, MatchThresholdWithoutPreviousIsAUsageError) {
  const auto r = run_custseg(segment(1, "threshold-alone", "--match-threshold 0.5"));
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("--match-threshold requires --previous"), std::string::npos) << r.output;
}

// The same input, seed and options as period1, matched to period1 with threshold 0: the scaling is
// the previous model's bit for bit, so the centroids are compared as they are (distance exactly 0,
// no original-units round trip) and every segment keeps its ID.
TEST_F(SegmentIds, ThresholdZeroKeepsEveryIdOnTheSameData) {
  const std::string run = "same-data-np" + std::to_string(test_np());
  const auto r = run_custseg(segment(1, run, "--seed 1 --match-threshold 0 --previous " + results("period1")));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(read_dataset<std::int32_t>(results(run), "/segments/segment_id"), (std::vector<std::int32_t>{0, 1, 2, 3}));
  EXPECT_EQ(read_dataset<double>(results(run), "/matching/distance"), std::vector<double>(4, 0.0));
  EXPECT_EQ(read_attr(results(run), "/model", "next_segment_id"), 4.0);
  EXPECT_EQ(assignments(results(run)), assignments(results("period1")));
  // Recorded as an absolute path, like input_path; given here relative to the working directory.
  const auto relative = fs::relative(results("period1"));
  const auto again = run_custseg(segment(1, run, "--seed 1 --match-threshold 0 --previous " + relative.string()));
  ASSERT_EQ(again.exit_code, 0) << again.output;
  const auto j = nlohmann::json::parse(slurp(dir_ / run / "report.json"));
  EXPECT_EQ(j["segment_matching"]["previous"], fs::absolute(results("period1")).lexically_normal().string());
}

TEST_F(SegmentIds, PeriodTwoIsIdenticalOnAnyRankCountAndKeepsTheDocumentedProportions) {
  const std::string mine = (dir_ / ("period2-np" + std::to_string(test_np()) + ".h5")).string();
  const auto gen = run_custseg("generate --rows 2000 --seed 5 --period 2 --drift 1 -q --output " + mine + " --chunk-rows 300");
  ASSERT_EQ(gen.exit_code, 0) << gen.output;
  const std::string ref = (dir_ / "period2-drift1.h5").string();
  EXPECT_EQ(run_shell("cmp " + ref + " " + mine).exit_code, 0) << "period 2 differs from the 1-rank file";
  const auto py = run_shell(helper() + "check-period2 " + table() + " " + ref + " " + (dir_ / "period2-drift0.h5").string());
  EXPECT_EQ(py.exit_code, 0) << py.output;
}
