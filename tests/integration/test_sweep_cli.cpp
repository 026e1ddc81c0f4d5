// custseg sweep end to end: one job over k, per-k metrics and stability, a recommended k with
// its full report, identical for any rank count.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cli.hpp"
#include "results_reader.hpp"

using namespace custseg::testing;
namespace fs = std::filesystem;

namespace {

class Sweep : public GeneratedTable<Sweep> {
 public:
  static constexpr const char* kScratchName = "sweep";
  static std::string generate_args() { return "--rows 5000 --seed 8"; }
  static void after_generate() { run_reference(args("ref")); }

 protected:
  // `restarts_option`: --n-init (segment's name), or its former name --restarts, which must agree.
  static std::string args(const std::string& run, const std::string& restarts_option = "--n-init") {
    return "sweep --input " + table() + " --output " + (dir_ / run).string() +
           " --k 2-5 " + restarts_option + " 2 --seed 6 --silhouette-sample 800 -q "
           "--transform 'recency_days:log1p,frequency:log1p,monetary:log1p,tenure_days:log1p,avg_basket:log1p'";
  }
};

}  // namespace

TEST_F(Sweep, OneLinePerKAndARecommendedK) {
  std::istringstream csv(slurp(dir_ / "ref" / "sweep.csv"));
  std::string line;
  std::getline(csv, line);
  EXPECT_EQ(line.rfind("k,inertia,iterations,", 0), 0u) << line;
  int rows = 0, recommended = 0;
  while (std::getline(csv, line)) {
    EXPECT_EQ(line.rfind(std::to_string(2 + rows) + ",", 0), 0u) << line;
    recommended += line.size() >= 5 && line.substr(line.size() - 4) == "true";
    ++rows;
  }
  EXPECT_EQ(rows, 4);
  EXPECT_EQ(recommended, 1);
  const auto j = nlohmann::json::parse(slurp(dir_ / "ref" / "report.json"));
  const auto k = j["sweep"]["recommended_k"].get<std::size_t>();
  EXPECT_GE(k, 2u);
  EXPECT_LE(k, 5u);
  EXPECT_EQ(j["k"].get<std::size_t>(), k) << "the report profiles the recommended k";
  EXPECT_EQ(j["segments"].size(), k);
  double previous = 1e300;
  for (const auto& p : j["sweep"]["points"]) {
    EXPECT_GE(p["stability"].get<double>(), -1.0);
    EXPECT_LE(p["stability"].get<double>(), 1.0 + 1e-12);
    EXPECT_EQ(p["restart_inertia"].size(), 2u);
    EXPECT_LT(p["inertia"].get<double>(), previous) << "inertia falls with k";
    previous = p["inertia"].get<double>();
  }
  const std::string html = slurp(dir_ / "ref" / "report.html");
  EXPECT_NE(html.find("id=\"chart-sweep-silhouette\""), std::string::npos);
}

TEST_F(Sweep, IdenticalForAnyRankCount) {
  const std::string run = "np" + std::to_string(test_np());
  const auto r = run_custseg(args(run, "--restarts"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(slurp(dir_ / run / "sweep.csv"), slurp(dir_ / "ref" / "sweep.csv"));
  EXPECT_EQ(slurp(dir_ / run / "segments.csv"), slurp(dir_ / "ref" / "segments.csv"));
}

// The recommended k is written as segment writes a run: results.h5 that score reads as a model
// (scoring the same table gives back the sweep's own assignments), and segments.csv sizes that
// equal the counts of /assignments/segment.
TEST_F(Sweep, RecommendedKIsAResultSetThatScoreReads) {
  const std::string model = (dir_ / "ref" / "results.h5").string();
  const auto k = nlohmann::json::parse(slurp(dir_ / "ref" / "report.json"))["sweep"]["recommended_k"].get<std::size_t>();
  const auto labels = read_dataset<std::int32_t>(model, "/assignments/segment");
  ASSERT_EQ(labels.size(), 5000u);
  std::vector<std::int64_t> counted(k, 0);
  for (const auto l : labels) {
    ASSERT_GE(l, 0);
    ASSERT_LT(static_cast<std::size_t>(l), k);
    ++counted[static_cast<std::size_t>(l)];
  }
  EXPECT_EQ(read_dataset<std::int64_t>(model, "/segments/count"), counted);
  EXPECT_TRUE(fs::exists(dir_ / "ref" / "assignments.csv"));
  const std::string run = "scored-np" + std::to_string(test_np());
  const auto r = run_custseg("score --input " + table() + " --model " + model + " --output " + (dir_ / run).string() + " -q");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(read_dataset<std::int32_t>((dir_ / run / "results.h5").string(), "/assignments/segment"), labels);
}

// A list runs exactly its values, in ascending order (the same fits as in the range's run).
TEST_F(Sweep, AListRunsExactlyItsValues) {
  const std::string run = "list-np" + std::to_string(test_np());
  const auto r = run_custseg("sweep --input " + table() + " --output " + (dir_ / run).string() +
                             " --k 5,3 --restarts 2 --seed 6 --silhouette-sample 800 -q");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  std::istringstream csv(slurp(dir_ / run / "sweep.csv"));
  std::string header, first, second, extra;
  std::getline(csv, header);
  std::getline(csv, first);
  std::getline(csv, second);
  EXPECT_EQ(first.rfind("3,", 0), 0u) << first;
  EXPECT_EQ(second.rfind("5,", 0), 0u) << second;
  EXPECT_FALSE(std::getline(csv, extra)) << extra;
}

TEST_F(Sweep, BadRangeIsAUsageError) {
  const auto r = run_custseg("sweep --input " + table() + " --output " + (dir_ / "bad").string() + " --k 5:2 -q");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("--k"), std::string::npos) << r.output;
}
