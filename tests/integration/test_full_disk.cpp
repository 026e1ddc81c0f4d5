// A full disk (issue 12, "Full disk"; docs/outputs.md): every job writing onto a small tmpfs
// must end within seconds with exit 4 and one message "no space left on DEVICE writing FILE"
// (rank 0 only), and leave nothing that looks complete: no results.h5, reports, tables, partial
// files or lock. Two kinds of rows: refused up front (the free-space check), and, with the test
// hook CUSTSEG_TEST_SKIP_SPACE_CHECK=1 switching that check off, running out half-way (the
// reservation of an HDF5 file's space, or a report's fwrite/fflush on a disk that fills). Needs
// `mount -t tmpfs` (root): without it the test exits 77, which ctest reports as skipped.
#include <gtest/gtest.h>

#include <cstdlib>
#include <regex>
#include <string>
#include <vector>

#include "cli.hpp"

using namespace custseg::testing;
namespace fs = std::filesystem;

namespace {

struct Case {
  std::string name;
  std::string tmpfs_size;  // of the disk the output goes to, {F}
  bool skip_check;         // CUSTSEG_TEST_SKIP_SPACE_CHECK=1: the space runs out while writing
  std::string command;     // {D}: inputs; {F}: the full disk
};

void PrintTo(const Case& c, std::ostream* os) { *os << c.command; }

const std::vector<Case>& cases() {
  static const std::vector<Case> rows = {
      // Refused up front: a 256 KiB disk cannot hold the ~1 MiB margin of any output.
      {"segment_refused", "256k", false, "segment --input {D}/customers.h5 --output {F}/out --k 3"},
      {"score_refused", "256k", false, "score --model {D}/runA/results.h5 --input {D}/customers.h5 --output {F}/out"},
      {"sweep_refused", "256k", false, "sweep --input {D}/customers.h5 --output {F}/out --k 2:3"},
      {"compare_refused", "256k", false,
       "compare --previous {D}/runA/results.h5 --current {D}/runB/results.h5 --output {F}/out"},
      {"ingest_refused", "256k", false, "ingest --table {D}/t.csv --id-column id --output {F}/t.h5"},
      {"generate_refused", "256k", false, "generate --rows 5000 --output {F}/g.h5"},
      // Half-way: results.h5's reservation does not fit (segment, generate, ingest's table).
      {"segment_reservation_fails", "100k", true, "segment --input {D}/customers.h5 --output {F}/out --k 3"},
      {"generate_reservation_fails", "100k", true, "generate --rows 5000 --output {F}/g.h5"},
      {"ingest_table_fails", "40k", true, "ingest --table {D}/t.csv --id-column id --output {F}/t.h5"},
      // Half-way: results.h5 fits, a report's write hits ENOSPC (fwrite/fflush/fclose checked).
      {"segment_report_fails", "160k", true, "segment --input {D}/customers.h5 --output {F}/out --k 3"},
      {"score_report_fails", "160k", true,
       "score --model {D}/runA/results.h5 --input {D}/customers.h5 --output {F}/out"},
      {"sweep_report_fails", "64k", true, "sweep --input {D}/customers.h5 --output {F}/out --k 2:3"},
      {"compare_report_fails", "8k", true,
       "compare --previous {D}/runA/results.h5 --current {D}/runB/results.h5 --output {F}/out"},
  };
  return rows;
}

std::string replace_all(std::string text, const std::string& from, const std::string& to) {
  for (std::size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
  return text;
}

std::size_t count(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (std::size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

// What a failed run may leave on the full disk: a folder, and segment's checkpoint.h5 (it lets
// --resume skip the fit; it is not a result).
std::vector<std::string> leftovers(const fs::path& disk) {
  std::vector<std::string> found;
  for (const auto& e : fs::recursive_directory_iterator(disk)) {
    if (e.is_directory() || e.path().filename() == "checkpoint.h5") continue;
    found.push_back(fs::relative(e.path(), disk).string());
  }
  return found;
}

class FullDisk : public ::testing::TestWithParam<Case> {
 protected:
  static void SetUpTestSuite() {
    dir_ = scratch_dir("full-disk");
    const fs::path probe = dir_ / "probe";
    fs::create_directories(probe);
    if (run_shell("mount -t tmpfs -o size=64k tmpfs " + probe.string()).exit_code != 0) {
      std::printf("SKIP: cannot mount a tmpfs here (needs root); full-disk cases not run\n");
      fs::remove_all(dir_);
      std::exit(77);  // SKIP_RETURN_CODE (tests/integration/CMakeLists.txt)
    }
    run_shell("umount " + probe.string());
    const auto gen = run_custseg("generate --rows 2000 --seed 4 -q --output " + (dir_ / "customers.h5").string(), 1);
    ASSERT_EQ(gen.exit_code, 0) << gen.output;
    for (const auto& [run, seed] : {std::pair<std::string, std::string>{"runA", "1"}, {"runB", "2"}}) {
      const auto seg = run_custseg("segment --input " + (dir_ / "customers.h5").string() + " --output " +
                                   (dir_ / run).string() + " --k 3 -q --seed " + seed, 1);
      ASSERT_EQ(seg.exit_code, 0) << seg.output;
    }
    std::string csv = "id,spend,visits\n";
    for (int i = 1; i <= 3000; ++i) csv += std::to_string(i) + "," + std::to_string(i % 97) + ".5," + std::to_string(i % 7) + "\n";
    std::ofstream(dir_ / "t.csv") << csv;
  }
  static void TearDownTestSuite() { fs::remove_all(dir_); }
  static inline fs::path dir_;
};

TEST_P(FullDisk, ExitFourOneMessageNothingLeft) {
  const Case& c = GetParam();
  const fs::path disk = dir_ / ("disk-" + c.name);
  fs::create_directories(disk);
  ASSERT_EQ(run_shell("mount -t tmpfs -o size=" + c.tmpfs_size + " tmpfs " + disk.string()).exit_code, 0);
  const std::string command = replace_all(replace_all(c.command, "{D}", dir_.string()), "{F}", disk.string());
  const std::string env = c.skip_check ? "CUSTSEG_TEST_SKIP_SPACE_CHECK=1 " : "";
  const std::string mpirun = env_or("CUSTSEG_MPIEXEC", "mpirun");
  const RunResult r = run_shell(env + "timeout 60 " + mpirun + " --oversubscribe --allow-run-as-root -np " +
                                std::to_string(test_np()) + (c.skip_check ? " -x CUSTSEG_TEST_SKIP_SPACE_CHECK " : " ") +
                                custseg_bin() + " " + command + " -q");
  EXPECT_EQ(r.exit_code, 4) << command << "\n" << r.output;  // 124: it hung; -1: it crashed
  const std::regex message("no space left on " + disk.string() + " writing \\S+");
  EXPECT_TRUE(std::regex_search(r.output, message)) << r.output;
  EXPECT_EQ(count(r.output, "no space left on " + disk.string()), 1u) << "one message, from rank 0\n" << r.output;
  EXPECT_EQ(count(r.output, "error on rank"), 0u) << "an unagreed failure\n" << r.output;
  const std::vector<std::string> left = leftovers(disk);
  EXPECT_TRUE(left.empty()) << "left on the full disk: " << ::testing::PrintToString(left) << "\n" << r.output;
  run_shell("umount " + disk.string());
}

INSTANTIATE_TEST_SUITE_P(Cases, FullDisk, ::testing::ValuesIn(cases()),
                         [](const ::testing::TestParamInfo<Case>& info) { return info.param.name; });

}  // namespace
