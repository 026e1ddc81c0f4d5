// Outputs never replace inputs (issue 12, "Data loss"; docs/io.md): one row per case, run at this
// test's rank count. A refused row must exit 2 with exactly one message (every rank agreed, rank 0
// printed it) matching the row's pattern; every input's sha256 must be the same afterwards, and
// the files an attempt would have written must not exist. The rows that must succeed show that
// the check refuses only what it should (a later period beside, not over, the previous one).
#include <gtest/gtest.h>

#include <ostream>
#include <regex>
#include <string>
#include <vector>

#include "cli.hpp"

using namespace custseg::testing;
namespace fs = std::filesystem;

namespace {

struct Case {
  std::string name;
  std::string command;              // {D}: the scratch directory
  int exit_code;                    // expected
  std::string message;              // ECMAScript regex the output must match (refused rows)
  std::vector<std::string> inputs;  // under {D}: their sha256 must not change
  std::vector<std::string> absent;  // under {D}: must not exist afterwards
};

// gtest names a failing row by its command, not by the struct's bytes.
void PrintTo(const Case& c, std::ostream* os) { *os << c.command; }

const std::vector<Case>& cases() {
  static const std::vector<Case> rows = {
      // segment: the input table is DIR/results.h5 and the output is DIR (issue 12's first case).
      {"segment_input_in_output_dir", "segment --input {D}/tabledir/results.h5 --output {D}/tabledir --k 3", 2,
       R"(output \S*tabledir/results\.h5 \(--output\) would replace the input \S*tabledir/results\.h5 \(--input\))",
       {"tabledir/results.h5"}, {"tabledir/report.json", "tabledir/results.h5.partial"}},
      {"segment_input_in_output_dir_overwrite",
       "segment --input {D}/tabledir/results.h5 --output {D}/tabledir --k 3 --overwrite", 2,
       R"(would replace the input \S*tabledir/results\.h5 \(--input\); write the outputs elsewhere)",
       {"tabledir/results.h5"}, {"tabledir/report.json", "tabledir/results.h5.partial"}},
      {"segment_output_dir_is_a_symlink", "segment --input {D}/tabledir/results.h5 --output {D}/linkdir --k 3 --overwrite",
       2, R"(output \S*linkdir/results\.h5 \(--output\) would replace the input .*: both are \S*tabledir/results\.h5 once links are resolved)",
       {"tabledir/results.h5"}, {"tabledir/report.json"}},
      {"segment_input_through_dotdot",
       "segment --input {D}/tabledir/sub/../results.h5 --output {D}/tabledir --k 3 --overwrite", 2,
       R"(would replace the input \S*tabledir/sub/\.\./results\.h5 \(--input\))", {"tabledir/results.h5"},
       {"tabledir/report.json"}},
      {"segment_input_hard_linked_to_output", "segment --input {D}/hard/table.h5 --output {D}/hard --k 3 --overwrite", 2,
       R"(output \S*hard/results\.h5 \(--output\) would replace the input \S*hard/table\.h5 \(--input\): the same file under two names \(a hard link\))",
       {"hard/table.h5"}, {"hard/report.json"}},
      {"segment_previous_in_output_dir",
       "segment --input {D}/customers.h5 --previous {D}/runA/results.h5 --output {D}/runA --k 3 --overwrite", 2,
       R"(would replace the input \S*runA/results\.h5 \(--previous\))",
       {"runA/results.h5", "runA/report.json", "runA/segments.csv", "runA/report.html"}, {"runA/results.h5.partial"}},
      {"segment_init_in_output_dir",
       "segment --input {D}/customers.h5 --init {D}/runA/results.h5 --output {D}/runA --k 3 --overwrite", 2,
       R"(would replace the input \S*runA/results\.h5 \(--init\))", {"runA/results.h5", "runA/report.json"},
       {"runA/results.h5.partial"}},
      {"segment_input_named_as_its_checkpoint",
       "segment --input {D}/ckdir/checkpoint.h5 --output {D}/ckdir --k 3 --checkpoint-every 1 --overwrite", 2,
       R"(output \S*ckdir/checkpoint\.h5 \(--output\) would replace the input \S*ckdir/checkpoint\.h5 \(--input\))",
       {"ckdir/checkpoint.h5"}, {"ckdir/results.h5"}},
      {"segment_config_named_as_output", "segment --config {D}/cfgdir/report.json --output {D}/cfgdir --overwrite", 2,
       R"(would replace the input \S*cfgdir/report\.json \(--config\))", {"cfgdir/report.json"}, {"cfgdir/results.h5"}},
      // score: the model's own folder as the output.
      {"score_model_in_output_dir",
       "score --model {D}/runA/results.h5 --input {D}/customers.h5 --output {D}/runA --overwrite", 2,
       R"(would replace the input \S*runA/results\.h5 \(--model\))",
       {"runA/results.h5", "runA/report.json", "runA/segments.csv", "runA/report.html"}, {"runA/results.h5.partial"}},
      {"score_input_in_output_dir",
       "score --model {D}/runB/results.h5 --input {D}/tabledir/results.h5 --output {D}/tabledir --overwrite", 2,
       R"(would replace the input \S*tabledir/results\.h5 \(--input\))", {"tabledir/results.h5", "runB/results.h5"},
       {"tabledir/report.json"}},
      // compare: a run's folder holds its reports; compare's report.json would replace them.
      {"compare_into_previous_run", "compare --previous {D}/runA/results.h5 --current {D}/runB/results.h5 --output {D}/runA --overwrite",
       2, R"(output \S*runA/report\.json \(--output\) would replace the input \S*runA/report\.json \(the run --previous names\))",
       {"runA/results.h5", "runA/report.json", "runA/report.html", "runB/results.h5"}, {"runA/migration.csv"}},
      {"compare_into_current_run", "compare --previous {D}/runA/results.h5 --current {D}/runB/results.h5 --output {D}/runB", 2,
       R"(would replace the input \S*runB/report\.json \(the run --current names\))",
       {"runA/results.h5", "runB/results.h5", "runB/report.json", "runB/report.html"}, {"runB/migration.csv"}},
      {"compare_over_its_input_table",
       "compare --previous {D}/runA/results.h5 --current {D}/runB/results.h5 --previous-input {D}/cmpdir/report.html "
       "--current-input {D}/customers.h5 --output {D}/cmpdir --overwrite",
       2, R"(would replace the input \S*cmpdir/report\.html \(--previous-input\))", {"cmpdir/report.html"},
       {"cmpdir/migration.csv"}},
      // ingest: --output naming the input CSV (issue 12's second case), directly or through a link.
      {"ingest_table_over_itself", "ingest --table {D}/t.csv --id-column id --output {D}/t.csv --overwrite", 2,
       R"(output \S*t\.csv \(--output\) would replace the input \S*t\.csv \(--table\))", {"t.csv"}, {"t.csv.partial"}},
      {"ingest_transactions_over_itself", "ingest --transactions {D}/t.csv --output {D}/t.csv", 2,
       R"(would replace the input \S*t\.csv \(--transactions\))", {"t.csv"}, {"t.csv.partial"}},
      {"ingest_output_is_a_link_to_the_input", "ingest --table {D}/t.csv --id-column id --output {D}/csvlink.h5 --overwrite",
       2, R"(output \S*csvlink\.h5 \(--output\) would replace the input \S*t\.csv \(--table\): both are \S*t\.csv once links are resolved)",
       {"t.csv"}, {"csvlink.h5.partial"}},
      {"ingest_quality_report_over_input", "ingest --table {D}/data.h5.quality.json --id-column id --output {D}/data.h5", 2,
       R"(\(--output \(its quality report\)\) would replace the input \S*data\.h5\.quality\.json \(--table\))",
       {"data.h5.quality.json"}, {"data.h5", "data.h5.partial"}},
      // generate and sweep read little, but never write over it.
      {"generate_over_its_config", "generate --config {D}/g.ini --output {D}/g.ini --overwrite", 2,
       R"(output \S*g\.ini \(--output\) would replace the input \S*g\.ini \(--config\))", {"g.ini"}, {"g.ini.partial"}},
      {"sweep_input_in_output_dir", "sweep --input {D}/sweepdir/segments.csv --output {D}/sweepdir --k 2:3 --overwrite", 2,
       R"(would replace the input \S*sweepdir/segments\.csv \(--input\))", {"sweepdir/segments.csv"},
       {"sweepdir/sweep.csv", "sweepdir/segments.csv.partial"}},
      // What must still work: the next period beside the previous one, a comparison in its own
      // folder, an ingest next to its CSV.
      {"segment_next_period_beside_previous",
       "segment --input {D}/customers.h5 --previous {D}/runA/results.h5 --output {D}/runC --k 3 -q", 0, "",
       {"runA/results.h5", "runA/report.json", "customers.h5"}, {}},
      {"compare_in_own_folder", "compare --previous {D}/runA/results.h5 --current {D}/runB/results.h5 --output {D}/cmp -q", 0,
       "", {"runA/results.h5", "runB/results.h5", "runA/report.json", "runB/report.json"}, {}},
      {"ingest_beside_its_csv", "ingest --table {D}/t.csv --id-column id --output {D}/t.h5 -q", 0, "", {"t.csv"}, {}},
  };
  return rows;
}

std::string replace_all(std::string text, const std::string& from, const std::string& to) {
  for (std::size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
  return text;
}

// sha256sum's digest of a file ("" when it cannot be read: a missing input fails the row).
std::string sha256(const fs::path& p) {
  const RunResult r = run_shell("sha256sum '" + p.string() + "'");
  return r.exit_code == 0 ? r.output.substr(0, 64) : "";
}

std::size_t count(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (std::size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

class OutputsNeverReplaceInputs : public ::testing::TestWithParam<Case> {
 protected:
  // The scenes every row works on; a refused row changes none of them.
  static void SetUpTestSuite() {
    dir_ = scratch_dir("outputs-inputs");
    const auto gen = run_custseg("generate --rows 600 --seed 4 -q --output " + path("customers.h5"), 1);
    ASSERT_EQ(gen.exit_code, 0) << gen.output;
    for (const auto& [run, seed] : {std::pair<std::string, std::string>{"runA", "1"}, {"runB", "2"}}) {
      const auto seg = run_custseg("segment --input " + path("customers.h5") + " --output " + path(run) +
                                   " --k 3 -q --seed " + seed, 1);
      ASSERT_EQ(seg.exit_code, 0) << seg.output;
    }
    for (const char* d : {"tabledir/sub", "hard", "sweepdir", "cfgdir", "ckdir", "cmpdir"}) fs::create_directories(dir_ / d);
    fs::copy_file(dir_ / "customers.h5", dir_ / "ckdir/checkpoint.h5");
    fs::copy_file(dir_ / "customers.h5", dir_ / "cmpdir/report.html");
    fs::copy_file(dir_ / "customers.h5", dir_ / "tabledir/results.h5");  // a table called results.h5
    fs::copy_file(dir_ / "customers.h5", dir_ / "sweepdir/segments.csv");
    fs::copy_file(dir_ / "customers.h5", dir_ / "hard/table.h5");
    fs::create_hard_link(dir_ / "hard/table.h5", dir_ / "hard/results.h5");
    fs::create_directory_symlink(dir_ / "tabledir", dir_ / "linkdir");
    write("t.csv", "id,spend,visits\n1,10.5,3\n2,20.25,4\n3,7,1\n4,12,2\n");
    fs::create_symlink(dir_ / "t.csv", dir_ / "csvlink.h5");
    write("data.h5.quality.json", "id,spend\n1,2\n");
    write("g.ini", "rows = 100\n");
    write("cfgdir/report.json", "input = " + path("customers.h5") + "\nk = 3\n");
  }
  static void TearDownTestSuite() { fs::remove_all(dir_); }
  static std::string path(const std::string& name) { return (dir_ / name).string(); }
  static void write(const std::string& name, const std::string& text) { std::ofstream(dir_ / name) << text; }
  static inline fs::path dir_;
};

TEST_P(OutputsNeverReplaceInputs, Row) {
  const Case& c = GetParam();
  std::vector<std::string> before;
  for (const auto& in : c.inputs) {
    before.push_back(sha256(dir_ / in));
    ASSERT_FALSE(before.back().empty()) << "missing input " << in;
  }
  const RunResult r = run_custseg(replace_all(c.command, "{D}", dir_.string()));
  EXPECT_EQ(r.exit_code, c.exit_code) << r.output;
  if (c.exit_code == 2) {
    EXPECT_TRUE(std::regex_search(r.output, std::regex(c.message))) << "pattern: " << c.message << "\n" << r.output;
    EXPECT_EQ(count(r.output, "would replace the input"), 1u) << "one message, from rank 0\n" << r.output;
  }
  for (std::size_t i = 0; i < c.inputs.size(); ++i)
    EXPECT_EQ(sha256(dir_ / c.inputs[i]), before[i]) << c.inputs[i] << " changed";
  for (const auto& name : c.absent) EXPECT_FALSE(fs::exists(dir_ / name)) << name << " was written";
}

INSTANTIATE_TEST_SUITE_P(Cases, OutputsNeverReplaceInputs, ::testing::ValuesIn(cases()),
                         [](const ::testing::TestParamInfo<Case>& info) { return info.param.name; });

}  // namespace
