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
class EndToEnd : public GeneratedTable<EndToEnd> {
 public:
  static constexpr const char* kScratchName = "e2e";
  static std::string generate_args() { return "--rows 30000 --seed 9 --chunk-rows 7000"; }
  static void after_generate() { run_reference(segment_args("ref", 1)); }

 protected:
  static std::string results(const std::string& run) { return (dir_ / run / "results.h5").string(); }
  static std::string segment_args(const std::string& run, int threads) {
    return "segment --input " + table() + " --output " + (dir_ / run).string() + " --k 5 --seed 4 --n-init 2 " +
           kTransforms + " --threads " + std::to_string(threads) + " -q";
  }
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

TEST_F(EndToEnd, WideTableAddsEngagementColumnsAndSegmentsOn16Features) {
  const std::string wide = (dir_ / ("wide-np" + std::to_string(test_np()) + ".h5")).string();
  const auto gen = run_custseg("generate --wide --rows 30000 --seed 9 --chunk-rows 7000 -q --output " + wide);
  ASSERT_EQ(gen.exit_code, 0) << gen.output;
  // The narrow table's columns keep their values: the engagement columns draw their own streams.
  expect_bitwise_equal<std::uint64_t>(table(), wide, "/customers/customer_id");
  for (const char* column : {"monetary", "recency_days", "email_open_rate", "revenue_12m"})
    expect_bitwise_equal<double>(table(), wide, std::string("/customers/") + column);
  for (const char* column : {"frequency", "true_segment", "churned", "gender"})
    expect_bitwise_equal<std::int32_t>(table(), wide, std::string("/customers/") + column);
  const auto sessions = read_dataset<double>(wide, "/customers/sessions_per_month");
  const auto app = read_dataset<double>(wide, "/customers/app_share");
  ASSERT_EQ(sessions.size(), 30000u);
  ASSERT_EQ(app.size(), 30000u);
  for (std::size_t i = 0; i < app.size(); ++i) {
    ASSERT_GE(sessions[i], 0.0) << i;
    ASSERT_TRUE(app[i] > 0.0 && app[i] < 1.0) << i;
  }
  const std::string features =
      "recency_days,frequency,monetary,tenure_days,avg_basket,discount_share,web_share,email_open_rate,"
      "sessions_per_month,pages_per_session,app_share,return_rate,support_contacts,category_breadth,"
      "coupon_redemptions,review_count";
  const std::string out = (dir_ / ("wide-out-np" + std::to_string(test_np()))).string();
  const auto seg = run_custseg("segment --input " + wide + " --output " + out + " --k 5 --seed 4 --features " +
                               features + " -q");
  ASSERT_EQ(seg.exit_code, 0) << seg.output;
  const auto centroids = read_dataset<double>(out + "/results.h5", "/model/centroids");
  EXPECT_EQ(centroids.size(), 5u * 16u);
  if (test_np() == 1) return;
  // Byte-identical to the 1-rank file.
  const std::string one = (dir_ / "wide-np1-ref.h5").string();
  ASSERT_EQ(run_custseg("generate --wide --rows 30000 --seed 9 --chunk-rows 7000 -q --output " + one, 1).exit_code, 0);
  const auto cmp = run_shell("cmp " + one + " " + wide);
  EXPECT_EQ(cmp.exit_code, 0) << "generate --wide at " << test_np() << " ranks wrote different bytes: " << cmp.output;
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
