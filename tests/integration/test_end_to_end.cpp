// The built custseg under mpirun, end to end: generate -> segment, outputs checked, identical
// across rank counts (this binary runs at CUSTSEG_TEST_NP ranks and compares with 1 rank).
#include <gtest/gtest.h>

#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>

#include "cli.hpp"
#include "results_reader.hpp"

using namespace custseg::testing;
namespace fs = std::filesystem;

namespace {

const char* kTransforms = "--transform 'recency_days:log1p,frequency:log1p,monetary:log1p,tenure_days:log1p,avg_basket:log1p'";

// One table and one 1-rank reference run shared by the tests of this binary.
class EndToEnd : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = scratch_dir("e2e");
    const auto gen = run_custseg("generate --rows 30000 --seed 9 --chunk-rows 7000 -q --output " + table(), 1);
    ASSERT_EQ(gen.exit_code, 0) << gen.output;
    const auto ref = run_custseg(segment_args("ref", 1), 1);
    ASSERT_EQ(ref.exit_code, 0) << ref.output;
  }
  static void TearDownTestSuite() { fs::remove_all(dir_); }
  static std::string table() { return (dir_ / "customers.h5").string(); }
  static std::string results(const std::string& run) { return (dir_ / run / "results.h5").string(); }
  static std::string segment_args(const std::string& run, int threads) {
    return "segment --input " + table() + " --output " + (dir_ / run).string() + " --k 5 --seed 4 --n-init 2 " +
           kTransforms + " --threads " + std::to_string(threads) + " -q";
  }
  static inline fs::path dir_;
};

template <class T>
void expect_bitwise_equal(const std::string& a, const std::string& b, const std::string& path) {
  const auto va = read_dataset<T>(a, path), vb = read_dataset<T>(b, path);
  ASSERT_EQ(va.size(), vb.size()) << path;
  EXPECT_EQ(std::memcmp(va.data(), vb.data(), va.size() * sizeof(T)), 0) << path << " differs";
}

}  // namespace

TEST_F(EndToEnd, GeneratedFileIsByteIdenticalForAnyRankCount) {
  const std::string mine = (dir_ / "generated-np.h5").string();
  const auto gen = run_custseg("generate --rows 30000 --seed 9 --chunk-rows 7000 -q --output " + mine);
  ASSERT_EQ(gen.exit_code, 0) << gen.output;
  const auto cmp = run_shell("cmp " + table() + " " + mine);
  EXPECT_EQ(cmp.exit_code, 0) << "generate at " << test_np() << " ranks wrote different bytes: " << cmp.output;
}

TEST_F(EndToEnd, ResultsAreBitwiseIdenticalAcrossRanksAndThreads) {
  for (int threads : {1, 2}) {
    const std::string run = "np" + std::to_string(test_np()) + "-t" + std::to_string(threads);
    const auto r = run_custseg(segment_args(run, threads));
    ASSERT_EQ(r.exit_code, 0) << r.output;
    const std::string a = results("ref"), b = results(run);
    for (const char* p : {"/model/centroids", "/model/centroids_scaled", "/model/transform/mean",
                          "/model/transform/scale", "/segments/mean", "/segments/std", "/segments/min",
                          "/segments/max", "/segments/share"})
      expect_bitwise_equal<double>(a, b, p);
    expect_bitwise_equal<std::int32_t>(a, b, "/assignments/segment");
    expect_bitwise_equal<float>(a, b, "/assignments/distance");
    expect_bitwise_equal<std::uint64_t>(a, b, "/assignments/customer_id");
    expect_bitwise_equal<std::int64_t>(a, b, "/segments/count");
    EXPECT_EQ(read_attr(a, "/model", "inertia"), read_attr(b, "/model", "inertia"));
    EXPECT_EQ(read_attr(a, "/model", "iterations"), read_attr(b, "/model", "iterations"));
  }
}

TEST_F(EndToEnd, RecoversTheGeneratingArchetypes) {
  const auto truth = read_dataset<std::int32_t>(table(), "/customers/true_segment");
  const auto found = read_dataset<std::int32_t>(results("ref"), "/assignments/segment");
  ASSERT_EQ(truth.size(), found.size());
  const double ari = adjusted_rand_index(truth, found);
  EXPECT_GE(ari, 0.9) << "adjusted Rand index " << ari;
}

TEST_F(EndToEnd, WritesTheDocumentedLayoutAndReports) {
  const std::string r = results("ref");
  EXPECT_EQ(read_dataset<double>(r, "/model/centroids").size(), 5U * 8U);
  EXPECT_EQ(custseg::io::File::open_serial(r, false).read_strings("/model/feature_names").size(), 8U);
  EXPECT_EQ(custseg::io::File::open_serial(r, false).read_strings("/model/transform/kind")[2], "log1p");
  const auto ids = read_dataset<std::uint64_t>(r, "/assignments/customer_id");
  const auto input_ids = read_dataset<std::uint64_t>(table(), "/customers/customer_id");
  EXPECT_EQ(ids, input_ids) << "assignments must be in input row order";
  const auto counts = read_dataset<std::int64_t>(r, "/segments/count");
  std::int64_t total = 0;
  for (auto c : counts) total += c;
  EXPECT_EQ(total, 30000);

  std::ifstream json_in(dir_ / "ref" / "report.json");
  const auto report = nlohmann::json::parse(json_in);
  EXPECT_EQ(report["k"], 5);
  EXPECT_EQ(report["segments"].size(), 5U);
  EXPECT_DOUBLE_EQ(report["inertia"].get<double>(), read_attr(r, "/model", "inertia"));
  EXPECT_TRUE(report["timings_seconds"].contains("iterations"));

  std::ifstream csv(dir_ / "ref" / "segments.csv");
  std::string line;
  int lines = 0;
  while (std::getline(csv, line)) ++lines;
  EXPECT_EQ(lines, 6) << "header + one row per segment";
  EXPECT_FALSE(fs::exists(dir_ / "ref" / "results.h5.partial"));
}

TEST_F(EndToEnd, ResegmentingFromThePreviousModelConvergesAtOnce) {
  const std::string run = "init-np" + std::to_string(test_np());
  const auto r = run_custseg(segment_args(run, 1) + " --init " + results("ref"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_LE(read_attr(results(run), "/model", "iterations"), 2.0);
  EXPECT_EQ(read_dataset<std::int32_t>(results(run), "/assignments/segment"),
            read_dataset<std::int32_t>(results("ref"), "/assignments/segment"));
}
