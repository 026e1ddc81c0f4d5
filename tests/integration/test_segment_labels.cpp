// Names and recommended actions a person gives (--segment-labels FILE), applied by stable segment
// ID in every output, and carried over: score keeps the model's names (generated or not), segment
// --previous keeps only person-given ones. Values are checked independently with h5py and pandas
// (check_segment_labels.py); bad label files are input errors (exit 3) naming file and line.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "cli.hpp"

using namespace custseg::testing;
namespace fs = std::filesystem;

namespace {

class SegmentLabels : public GeneratedTable<SegmentLabels> {
 public:
  static constexpr const char* kScratchName = "segment_labels";
  static std::string generate_args() { return "--rows 3000 --seed 11"; }
  static void after_generate() {
    const auto gen = run_custseg("generate --rows 3000 --seed 11 --period 2 --drift 0 -q --output " + period2(), 1);
    ASSERT_EQ(gen.exit_code, 0) << gen.output;
    write(labels(), "segment_id,name,action\n0,Win-back targets,\"win-back email, 15% voucher\"\n2,,loyalty tier upgrade\n9,Ghost,none\n");
  }

 protected:
  static std::string period2() { return (dir_ / "period2.h5").string(); }
  static std::string labels() { return (dir_ / "labels.csv").string(); }
  static std::string run_dir(const std::string& name) { return (dir_ / (name + "-np" + std::to_string(test_np()))).string(); }
  static void write(const std::string& path, const std::string& text) { std::ofstream(path) << text; }
  static std::string segment(const std::string& input, const std::string& out, const std::string& extra) {
    return "segment --input " + input + " --output " + out + " --k 4 --n-init 1 --seed 3 --overwrite " + extra;
  }
  static RunResult check(const std::string& args) {
    return run_shell("/usr/bin/python3 " + source_dir() + "/tests/integration/check_segment_labels.py " + args);
  }
};

}  // namespace

TEST_F(SegmentLabels, FileNamesAndActionsReachEveryOutput) {
  const std::string run = run_dir("labelled");
  const auto r = run_custseg(segment(table(), run, "--segment-labels " + labels()));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("segment 9 is not in this run"), std::string::npos) << r.output;
  const auto c = check("applied " + run + " " + labels());
  EXPECT_EQ(c.exit_code, 0) << c.output;
  const auto j = nlohmann::json::parse(slurp(fs::path(run) / "report.json"));
  for (const auto& s : j["segments"]) {
    if (s["segment"] == 0) {
      EXPECT_EQ(s["name"], "Win-back targets");
      EXPECT_EQ(s["name_source"], "labels file");
    }
    if (s["segment"] == 2) EXPECT_EQ(s["name_source"], "generated") << "an empty name keeps the generated one";
  }
  EXPECT_NE(slurp(fs::path(run) / "report.html").find("action: win-back email, 15% voucher"), std::string::npos);
}

TEST_F(SegmentLabels, ScoreCarriesTheModelsNamesToANewPeriod) {
  const std::string model = run_dir("model");
  ASSERT_EQ(run_custseg(segment(table(), model, "--segment-labels " + labels())).exit_code, 0);
  const std::string scored = run_dir("scored");
  const auto r = run_custseg("score --model " + model + "/results.h5 --input " + period2() + " --output " + scored +
                             " -q --overwrite");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto c = check("carried " + scored + " " + model);
  EXPECT_EQ(c.exit_code, 0) << c.output;
  // And a labels file at scoring time renames on top of the model's names.
  const std::string relabelled = run_dir("scored-relabelled");
  const std::string file = (dir_ / ("relabel-np" + std::to_string(test_np()) + ".csv")).string();
  write(file, "segment_id,name\n1,Quarterly review\n");
  const auto r2 = run_custseg("score --model " + model + "/results.h5 --input " + period2() + " --output " + relabelled +
                              " -q --overwrite --segment-labels " + file);
  ASSERT_EQ(r2.exit_code, 0) << r2.output;
  EXPECT_EQ(check("applied " + relabelled + " " + file).exit_code, 0);
}

TEST_F(SegmentLabels, PreviousCarriesOnlyNamesAPersonGave) {
  const std::string model = run_dir("previous-model");
  ASSERT_EQ(run_custseg(segment(table(), model, "--segment-labels " + labels())).exit_code, 0);
  const std::string run = run_dir("period2");
  const auto r = run_custseg(segment(period2(), run, "--previous " + model + "/results.h5"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto c = check("carried " + run + " " + model + " person-only");
  EXPECT_EQ(c.exit_code, 0) << c.output;
}

TEST_F(SegmentLabels, BadFilesAreInputErrorsNamingFileAndLine) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"segment_id,name\n1,A\n1,B\n", "line 3: segment 1 is listed twice"},
      {"segment_id,name\nx1,A\n", "segment_id 'x1' is not an integer >= 0"},
      {"segment_id,name,colour\n1,A,red\n", "unknown column 'colour'"},
      {"segment,name\n1,A\n", "no segment_id column"},
      {"segment_id,name\n1,Same\n2,Same\n", "are both named 'Same'"},
      {"", "the file is empty"},
      {"segment_id,name\n1,\"Two\nlines\"\n", "line 2: the name contains a line break"},
      {"segment_id,name\n1," + std::string(201, 'x') + "\n", "longer than 200 characters"},
  };
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const std::string file = (dir_ / ("bad" + std::to_string(i) + "-np" + std::to_string(test_np()) + ".csv")).string();
    write(file, cases[i].first);
    const std::string out = run_dir("bad" + std::to_string(i));
    const auto r = run_custseg(segment(table(), out, "--segment-labels " + file));
    EXPECT_EQ(r.exit_code, 3) << r.output;
    EXPECT_NE(r.output.find(cases[i].second), std::string::npos) << r.output;
    EXPECT_FALSE(fs::exists(fs::path(out) / "results.h5")) << "nothing written";
  }
  // Not files: a directory is named as one; a pipe is refused at once (reading it would hang).
  const auto directory = run_custseg(segment(table(), run_dir("bad-dir"), "--segment-labels " + dir_.string()));
  EXPECT_EQ(directory.exit_code, 3) << directory.output;
  EXPECT_NE(directory.output.find("is a directory"), std::string::npos) << directory.output;
  const std::string fifo = (dir_ / ("labels-np" + std::to_string(test_np()) + ".fifo")).string();
  ASSERT_EQ(run_shell("rm -f " + fifo + " && mkfifo " + fifo).exit_code, 0);
  const auto pipe = run_custseg(segment(table(), run_dir("bad-fifo"), "--segment-labels " + fifo));
  EXPECT_EQ(pipe.exit_code, 3) << pipe.output;
  EXPECT_NE(pipe.output.find("not a regular file"), std::string::npos) << pipe.output;
  const auto missing = run_custseg(segment(table(), run_dir("bad-missing"), "--segment-labels " + (dir_ / "nope.csv").string()));
  EXPECT_EQ(missing.exit_code, 3) << missing.output;
  EXPECT_NE(missing.output.find("cannot read"), std::string::npos) << missing.output;
}

// Names a person gave stay theirs, so two of them that coincide (one in the file given to score,
// one carried from the model) are refused rather than numbered.
TEST_F(SegmentLabels, ScoreRefusesTwoSegmentsAPersonNamedAlike) {
  const std::string model = run_dir("clash-model");
  ASSERT_EQ(run_custseg(segment(table(), model, "--segment-labels " + labels())).exit_code, 0);
  const std::string file = (dir_ / ("clash-np" + std::to_string(test_np()) + ".csv")).string();
  write(file, "segment_id,name\n1,Win-back targets\n");
  const std::string out = run_dir("clash-scored");
  const auto r = run_custseg("score --model " + model + "/results.h5 --input " + period2() + " --output " + out +
                             " -q --overwrite --segment-labels " + file);
  EXPECT_EQ(r.exit_code, 3) << r.output;
  EXPECT_NE(r.output.find("segments 0 and 1 would both be named 'Win-back targets'"), std::string::npos) << r.output;
  EXPECT_FALSE(fs::exists(fs::path(out) / "results.h5"));
}

// Blanks around a name go; a blank name keeps the generated one; the 200-character limit counts
// characters (150 two-byte letters pass); a file naming hundreds of absent IDs warns once.
TEST_F(SegmentLabels, NamesAreTrimmedCountedInCharactersAndUnusedIdsWarnOnce) {
  std::string long_name;
  for (int i = 0; i < 150; ++i) long_name += "\xc3\xa9";  // é
  std::string text = "segment_id,name,action\n1,  " + long_name + "  ,  call them  \n3,   ,\n";
  for (int id = 100; id <= 400; ++id) text += std::to_string(id) + ",Old " + std::to_string(id) + ",\n";
  const std::string file = (dir_ / ("trim-np" + std::to_string(test_np()) + ".csv")).string();
  write(file, text);
  const std::string run = run_dir("trimmed");
  const auto r = run_custseg(segment(table(), run, "--segment-labels " + file));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("301 segment IDs are not in this run (100, 101, 102, 103, 104, ...)"), std::string::npos)
      << r.output;
  EXPECT_EQ(r.output.find("not in this run"), r.output.rfind("not in this run")) << "one warning, not 301";
  const auto j = nlohmann::json::parse(slurp(fs::path(run) / "report.json"));
  for (const auto& s : j["segments"]) {
    if (s["segment"] == 1) {
      EXPECT_EQ(s["name"], long_name);
      EXPECT_EQ(s["action"], "call them");
    }
    if (s["segment"] == 3) EXPECT_EQ(s["name_source"], "generated") << "a blank name keeps the generated one";
  }
}
