// custseg score: a fitted model applied to a customer table. Scoring the training table gives
// the run's own /assignments bit for bit (in memory and streamed, model fitted at another rank
// count); shuffled rows keep every customer's segment; inputs and models that cannot be scored
// fail with one input error and leave no results.h5. Runs at CUSTSEG_TEST_NP ranks.
#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "cli.hpp"
#include "results_reader.hpp"

using namespace custseg::testing;
namespace fs = std::filesystem;

namespace {

constexpr int kRows = 6000;

class Score : public GeneratedTable<Score> {
 public:
  static constexpr const char* kScratchName = "score";
  static std::string generate_args() { return "--rows " + std::to_string(kRows) + " --seed 21"; }
  // The model is fitted at another rank count than the tests score at (1 -> 2, ..., 4 -> 1).
  static int fit_ranks() { return test_np() % 4 + 1; }
  static void after_generate() {
    const auto fit = run_custseg("segment -q --input " + table() + " --output " + (dir_ / "model").string() +
                                     " --k 5 --seed 3 --n-init 1 --transform 'monetary:log1p,frequency:log1p'",
                                 fit_ranks());
    ASSERT_EQ(fit.exit_code, 0) << fit.output;
  }

 protected:
  static std::string model() { return (dir_ / "model" / "results.h5").string(); }
  static std::string out(const std::string& run) { return (dir_ / run).string(); }
  static RunResult score(const std::string& input, const std::string& run, const std::string& extra = "",
                         const std::string& model_path = model()) {
    return run_custseg("score -q --model " + model_path + " --input " + input + " --output " + out(run) + " " + extra);
  }
  static RunResult check_assignments_csv(const std::string& run) {
    return run_shell("/usr/bin/python3 " + source_dir() + "/tests/integration/check_assignments_csv.py " + run);
  }
  static RunResult python(const std::string& args) {
    return run_shell("/usr/bin/python3 " + source_dir() + "/tests/integration/score_tables.py " + args);
  }
  // The scored run's assignments equal the model's own, bit for bit.
  static void expect_training_assignments(const std::string& run) {
    const std::string scored = (dir_ / run / "results.h5").string();
    EXPECT_EQ(read_dataset<std::uint64_t>(scored, "/assignments/customer_id"),
              read_dataset<std::uint64_t>(model(), "/assignments/customer_id"));
    EXPECT_EQ(read_dataset<std::int32_t>(scored, "/assignments/segment"),
              read_dataset<std::int32_t>(model(), "/assignments/segment"));
    const auto a = read_dataset<float>(scored, "/assignments/distance");
    const auto b = read_dataset<float>(model(), "/assignments/distance");
    ASSERT_EQ(a.size(), b.size());
    EXPECT_EQ(std::memcmp(a.data(), b.data(), a.size() * sizeof(float)), 0) << "distances differ in their bits";
  }
};

TEST_F(Score, TrainingTableReproducesTheRunsAssignments) {
  const auto r = score(table(), "self");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  expect_training_assignments("self");
  const std::string scored = out("self") + "/results.h5";
  // A scored result is still a model: /model holds the model's centroids and records its source.
  EXPECT_EQ(read_dataset<double>(scored, "/model/centroids_scaled"), read_dataset<double>(model(), "/model/centroids_scaled"));
  EXPECT_EQ(read_dataset<std::int64_t>(scored, "/segments/count"), read_dataset<std::int64_t>(model(), "/segments/count"));
  EXPECT_EQ(read_attr(scored, "/model", "inertia"), read_attr(model(), "/model", "inertia"));
  const auto f = custseg::io::File::open_serial(scored, false);
  EXPECT_EQ(f.read_string_attribute("/model", "scored_with_model").at(0), model());
  EXPECT_EQ(f.read_string_attribute("/", "format_version").at(0), "1.0");
  std::ifstream in(out("self") + "/report.json");
  const auto report = nlohmann::json::parse(in);
  EXPECT_GT(report["throughput"]["rows_per_second"].get<double>(), 0.0);
  EXPECT_GE(report["throughput"]["read_share"].get<double>(), 0.0);
  EXPECT_LE(report["throughput"]["read_share"].get<double>(), 1.0);
  // assignments.csv (--export auto: written at this size) holds what results.h5 holds, and is
  // byte for byte the model run's own (fitted at another rank count).
  const auto check = check_assignments_csv(out("self"));
  EXPECT_EQ(check.exit_code, 0) << check.output;
  EXPECT_EQ(slurp(out("self") + "/assignments.csv"), slurp(dir_ / "model" / "assignments.csv"));
}

// String ids with commas, quotes and line breaks come back byte for byte (RFC 4180 quoting, read
// by pandas); rows dropped for NaN are listed with segment -1; --export none writes no CSV.
TEST_F(Score, AssignmentsCsvCarriesTextIdsAndDroppedRows) {
  const std::string text_ids = out("text-ids.h5");
  const auto py = python("textids " + table() + " " + text_ids);
  ASSERT_EQ(py.exit_code, 0) << py.output;
  // CUSTSEG_PROGRESS_SECONDS=0: a progress line after every step, with the time left.
  setenv("CUSTSEG_PROGRESS_SECONDS", "0", 1);
  const auto r = run_custseg("segment --input " + text_ids + " --output " + out("text-ids") +
                             " --k 4 --seed 5 --n-init 1 --nan-policy drop --silhouette-sample 0");
  unsetenv("CUSTSEG_PROGRESS_SECONDS");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("  statistics: 1 of "), std::string::npos) << r.output;
  EXPECT_NE(r.output.find(" columns ("), std::string::npos) << r.output;
  EXPECT_NE(r.output.find(" left\n"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("per customer: " + out("text-ids") + "/assignments.csv"), std::string::npos) << r.output;
  const auto check = check_assignments_csv(out("text-ids"));
  EXPECT_EQ(check.exit_code, 0) << check.output;
  EXPECT_NE(check.output.find("dropped"), std::string::npos) << check.output;
  EXPECT_EQ(check.output.find(" 0 dropped"), std::string::npos) << check.output;

  const auto none = score(table(), "no-export", "--export none");
  ASSERT_EQ(none.exit_code, 0) << none.output;
  EXPECT_TRUE(fs::exists(out("no-export") + "/results.h5"));
  EXPECT_FALSE(fs::exists(out("no-export") + "/assignments.csv"));
  const auto bad = score(table(), "bad-export", "--export xlsx");
  EXPECT_EQ(bad.exit_code, 2) << bad.output;
  EXPECT_NE(bad.output.find("--export must be auto, none or csv"), std::string::npos) << bad.output;
}

// A segment too small to be substantial is "not substantial" in assignments.csv as in segments.csv
// and report.html: its descriptive name comes from statistics the reports suppress. With 6
// segments and a floor of a sixth of the rows, some segment is below it and some above.
TEST_F(Score, AssignmentsCsvNamesSmallSegmentsAsTheReportsDo) {
  const std::string floor = std::to_string(kRows / 6 + 1);
  const auto r = run_custseg("segment -q --input " + table() + " --output " + out("small-segments") +
                             " --k 6 --seed 3 --n-init 1 --silhouette-sample 0 --min-segment-size " + floor);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto check = check_assignments_csv(out("small-segments"));
  EXPECT_EQ(check.exit_code, 0) << check.output;
  EXPECT_NE(slurp(out("small-segments") + "/assignments.csv").find(",\"not substantial\","), std::string::npos);
}

// /model/config holds the fit's effective options: `segment --config` on it refits the same model.
TEST_F(Score, ModelConfigRefitsTheSameModel) {
  const std::string ini = out("model.ini");
  const auto py = python("config " + model() + " " + ini);
  ASSERT_EQ(py.exit_code, 0) << py.output;
  const auto r = run_custseg("segment -q --config " + ini + " --output " + out("refit"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const std::string refit = out("refit") + "/results.h5";
  EXPECT_EQ(read_dataset<double>(refit, "/model/centroids"), read_dataset<double>(model(), "/model/centroids"));
  EXPECT_EQ(read_dataset<std::int32_t>(refit, "/assignments/segment"),
            read_dataset<std::int32_t>(model(), "/assignments/segment"));
}

TEST_F(Score, StreamedUnderMemoryLimitReproducesTheRunsAssignments) {
  const std::uint64_t rows_per_rank = (kRows + test_np() - 1) / test_np();
  const auto r = score(table(), "streamed", "--memory-limit " + std::to_string(rows_per_rank * 32 + 16384));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  expect_training_assignments("streamed");
}

// Shuffled rows, and a shuffled subset whose own mean and scale differ from the training table's
// (a refit or a re-standardization would move its rows): every customer keeps its segment and
// its distance, bit for bit.
TEST_F(Score, ShuffledRowsAndSubsetsKeepEveryCustomersSegment) {
  std::map<std::uint64_t, std::pair<std::int32_t, float>> trained;
  const auto ids = read_dataset<std::uint64_t>(model(), "/assignments/customer_id");
  const auto segments = read_dataset<std::int32_t>(model(), "/assignments/segment");
  const auto distances = read_dataset<float>(model(), "/assignments/distance");
  for (std::size_t i = 0; i < ids.size(); ++i) trained[ids[i]] = {segments[i], distances[i]};
  for (const std::string rows : {"", "700"}) {
    const std::string run = rows.empty() ? "shuffled" : "subset";
    const auto py = python("permute " + table() + " " + out(run + ".h5") + " 7 " + rows);
    ASSERT_EQ(py.exit_code, 0) << py.output;
    const auto r = score(out(run + ".h5"), run);
    ASSERT_EQ(r.exit_code, 0) << r.output;
    const std::string scored = out(run) + "/results.h5";
    const auto scored_ids = read_dataset<std::uint64_t>(scored, "/assignments/customer_id");
    const auto scored_segments = read_dataset<std::int32_t>(scored, "/assignments/segment");
    const auto scored_distances = read_dataset<float>(scored, "/assignments/distance");
    ASSERT_EQ(scored_ids.size(), rows.empty() ? ids.size() : 700u);
    EXPECT_NE(std::vector<std::uint64_t>(ids.begin(), ids.begin() + 50),
              std::vector<std::uint64_t>(scored_ids.begin(), scored_ids.begin() + 50)) << "the copy was not shuffled";
    std::size_t differ = 0;
    for (std::size_t i = 0; i < scored_ids.size(); ++i) {
      const auto& [segment, distance] = trained.at(scored_ids[i]);
      differ += segment != scored_segments[i] || std::memcmp(&distance, &scored_distances[i], sizeof(float)) != 0;
    }
    EXPECT_EQ(differ, 0u) << run;
  }
}

TEST_F(Score, InputWithoutTheModelsFeaturesFailsNamingThem) {
  const std::string partial = out("partial.h5");
  const auto py = python("drop " + table() + " " + partial + " monetary,web_share");
  ASSERT_EQ(py.exit_code, 0) << py.output;
  const auto r = score(partial, "partial");
  EXPECT_EQ(r.exit_code, 3) << r.output;
  EXPECT_NE(r.output.find("monetary, web_share"), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("error:"), r.output.rfind("error:")) << "one message expected:\n" << r.output;
  EXPECT_FALSE(fs::exists(out("partial") + "/results.h5"));
}

TEST_F(Score, FilesThatAreNotModelsFail) {
  const auto table_as_model = score(table(), "not-model-1", "", table());
  EXPECT_EQ(table_as_model.exit_code, 3) << table_as_model.output;
  EXPECT_NE(table_as_model.output.find("not a custseg results file"), std::string::npos) << table_as_model.output;
  const std::string text = out("notes.txt");
  std::ofstream(text) << "not hdf5\n";
  const auto text_as_model = score(table(), "not-model-2", "", text);
  EXPECT_EQ(text_as_model.exit_code, 3) << text_as_model.output;
  EXPECT_NE(text_as_model.output.find("not an HDF5 file"), std::string::npos) << text_as_model.output;
  EXPECT_FALSE(fs::exists(out("not-model-1") + "/results.h5"));
}

TEST_F(Score, NewerMajorFormatVersionFails) {
  const std::string newer = out("newer.h5");
  fs::copy_file(model(), newer);
  const auto py = python("version " + newer + " 2.0");
  ASSERT_EQ(py.exit_code, 0) << py.output;
  const auto r = score(table(), "newer", "", newer);
  EXPECT_EQ(r.exit_code, 3) << r.output;
  EXPECT_NE(r.output.find("format 2.0, this build reads 1.x"), std::string::npos) << r.output;
}

}  // namespace
