// segment's reports end to end: profiles, KPIs, fairness and privacy in report.json, segments.csv
// and report.html; identical for any rank count; small segments suppressed exactly when their
// count (from results.h5) is below --min-segment-size; no customer id anywhere; protected columns
// refused as features.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cli.hpp"
#include "results_reader.hpp"

using namespace custseg::testing;
namespace fs = std::filesystem;

namespace {

class ReportProfiles : public GeneratedTable<ReportProfiles> {
 public:
  static constexpr const char* kScratchName = "profiles";
  static std::string generate_args() { return "--rows 6000 --seed 5"; }
  static void after_generate() { run_reference(args("ref", "--min-segment-size 0")); }

 protected:
  static std::string args(const std::string& run, const std::string& extra) {
    return "segment --input " + table() + " --output " + (dir_ / run).string() +
           " --k 7 --seed 3 --n-init 1 --transform 'monetary:log1p,frequency:log1p,recency_days:log1p' "
           "--kpi 'revenue_12m, churned' --protected 'gender, age' -q " + extra;
  }
};

}  // namespace

TEST_F(ReportProfiles, ReportsCarryProfilesKpisFairnessAndNoIds) {
  const auto j = nlohmann::json::parse(slurp(dir_ / "ref" / "report.json"));
  EXPECT_GE(j["schema_version"].get<int>(), 2);
  ASSERT_EQ(j["segments"].size(), 7u);
  double revenue_share = 0;
  for (const auto& seg : j["segments"]) {
    EXPECT_FALSE(seg["name"].get<std::string>().empty());
    const auto& m = seg["features"]["monetary"];
    EXPECT_LE(m["p5"].get<double>(), m["p25"].get<double>());
    EXPECT_LE(m["p25"].get<double>(), m["p50"].get<double>());
    EXPECT_LE(m["p75"].get<double>(), m["p95"].get<double>());
    EXPECT_TRUE(seg["kpis"]["churned"].contains("rate"));
    revenue_share += seg["kpis"]["revenue_12m"]["share_of_total"].get<double>();
  }
  EXPECT_NEAR(revenue_share, 1.0, 1e-12);
  ASSERT_EQ(j["fairness"].size(), 2u);
  EXPECT_EQ(j["fairness"][0]["groups"], nlohmann::json::array({"female", "male", "undisclosed"}));
  EXPECT_EQ(j["fairness"][1]["groups"].size(), 4u) << "age is banded at its quartiles";
  EXPECT_TRUE(j["quality"]["silhouette"].is_number());
  // results.h5 keeps the exact quantiles [k, d, 5], equal to the report's.
  const std::string results = (dir_ / "ref" / "results.h5").string();
  const auto quantiles = read_dataset<double>(results, "/segments/quantiles");
  const auto names = custseg::io::File::open_serial(results, false).read_strings("/segments/feature_names");
  ASSERT_EQ(quantiles.size(), 7u * names.size() * 5u);
  const auto monetary = static_cast<std::size_t>(std::find(names.begin(), names.end(), "monetary") - names.begin());
  EXPECT_EQ(quantiles[(2 * names.size() + monetary) * 5 + 2], j["segments"][2]["features"]["monetary"]["p50"].get<double>());
  // Customer ids are 100000001 + row: none may appear in any report.
  const auto ids = read_dataset<std::uint64_t>(table(), "/customers/customer_id");
  for (const char* name : {"report.json", "segments.csv", "report.html"}) {
    const std::string text = slurp(dir_ / "ref" / name);
    ASSERT_FALSE(text.empty()) << name;
    for (std::size_t i = 0; i < ids.size(); i += 97)
      EXPECT_EQ(text.find(std::to_string(ids[i])), std::string::npos) << name << " contains customer id " << ids[i];
  }
}

TEST_F(ReportProfiles, IdenticalReportsForAnyRankCount) {
  const std::string run = "np" + std::to_string(test_np());
  const auto r = run_custseg(args(run, "--min-segment-size 0"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(slurp(dir_ / run / "segments.csv"), slurp(dir_ / "ref" / "segments.csv"));
  auto figures = [](const fs::path& p) {
    auto j = nlohmann::json::parse(slurp(p));
    for (const char* volatile_key : {"created_utc", "timings_seconds", "timing_detail", "parameters", "model"}) j.erase(volatile_key);
    return j;
  };
  EXPECT_EQ(figures(dir_ / run / "report.json"), figures(dir_ / "ref" / "report.json"));
}

TEST_F(ReportProfiles, SegmentsBelowTheFloorAreSuppressedEverywhere) {
  auto counts = read_dataset<std::int64_t>((dir_ / "ref" / "results.h5").string(), "/segments/count");
  std::vector<std::int64_t> sorted = counts;
  std::sort(sorted.begin(), sorted.end());
  const std::int64_t floor = sorted[sorted.size() / 2];  // about half the segments fall below
  const std::string run = "floor-np" + std::to_string(test_np());
  const auto r = run_custseg(args(run, "--min-segment-size " + std::to_string(floor)));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto j = nlohmann::json::parse(slurp(dir_ / run / "report.json"));
  const std::string csv = slurp(dir_ / run / "segments.csv");
  const std::string html = slurp(dir_ / run / "report.html");
  const std::string shown = "< " + std::to_string(floor);
  // With exactly one small segment the smallest substantial one is suppressed with it.
  const auto n_small = std::count_if(counts.begin(), counts.end(), [&](std::int64_t n) { return n < floor; });
  std::size_t complement = counts.size();
  for (std::size_t c = 0; c < counts.size(); ++c)
    if (counts[c] >= floor && (complement == counts.size() || counts[c] < counts[complement])) complement = c;
  int suppressed = 0;
  for (std::size_t c = 0; c < counts.size(); ++c) {
    const auto& seg = j["segments"][c];
    const bool small = counts[c] < floor;
    EXPECT_EQ(seg["suppressed"].get<bool>(), small || (n_small == 1 && c == complement)) << c;
    if (small) {
      ++suppressed;
      EXPECT_EQ(seg["count"], shown);
      EXPECT_FALSE(seg.contains("features"));
      EXPECT_NE(csv.find("\n" + std::to_string(c) + ",,,"), std::string::npos) << c << ": count and share not empty";
      // The exact count of a suppressed segment appears in no report.
      EXPECT_EQ(csv.find("," + std::to_string(counts[c]) + ","), std::string::npos) << c;
    } else if (!seg["suppressed"].get<bool>()) {
      EXPECT_EQ(seg["count"].get<std::int64_t>(), counts[c]);
    }
  }
  EXPECT_GT(suppressed, 0);
  // pandas reads every figure column as numbers: suppressed cells are empty (NaN), flagged apart.
  const auto pandas = run_shell("/usr/bin/python3 -c \"import sys, pandas; d = pandas.read_csv(sys.argv[1]); "
                                "t = [c for c in d.columns if c not in ('name',) and d[c].dtype == object]; "
                                "assert not t, t; assert d['suppressed'].dtype == bool; "
                                "assert d.loc[d['suppressed'], 'count'].isna().all()\" " +
                                (dir_ / run / "segments.csv").string());
  EXPECT_EQ(pandas.exit_code, 0) << pandas.output;
  EXPECT_NE(html.find("&lt; " + std::to_string(floor)), std::string::npos);
  EXPECT_NE(html.find("suppression-note"), std::string::npos);
}

TEST_F(ReportProfiles, ProtectedColumnsAreNeverFeatures) {
  const auto r = run_custseg("segment --input " + table() + " --output " + (dir_ / "bad").string() +
                             " --k 3 --features 'monetary,gender' --protected gender -q");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("protected"), std::string::npos) << r.output;
  // The generated table marks gender protected: naming it as a feature is refused by default too.
  const auto d = run_custseg("segment --input " + table() + " --output " + (dir_ / "bad2").string() +
                             " --k 3 --features 'monetary,gender' -q");
  EXPECT_EQ(d.exit_code, 2) << d.output;
}
