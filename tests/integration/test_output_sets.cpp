// One run per output, and result sets that appear whole or not at all (issue 12, "Two runs, one
// output" and "Half a result set"; docs/outputs.md). Two segment runs on one folder at once: the
// second exits 4 naming the first, which completes. A stale lock (a dead pid on this host) is
// reported and taken over; a lock from another host is held, --overwrite or not, and every job
// that writes an output honours it. --overwrite removes the old results.h5 before anything new
// is written, so a run that fails later leaves no old results.h5 beside new reports.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "cli.hpp"

using namespace custseg::testing;
namespace fs = std::filesystem;

namespace {

std::string host() {
  char name[256] = {0};
  gethostname(name, sizeof name - 1);
  return name;
}

class OutputSets : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = scratch_dir("output-sets");
    const auto gen = run_custseg("generate --rows 800 --seed 4 -q --output " + path("customers.h5"), 1);
    ASSERT_EQ(gen.exit_code, 0) << gen.output;
    const auto seg = run_custseg("segment --input " + path("customers.h5") + " --output " + path("runA") + " --k 3 -q", 1);
    ASSERT_EQ(seg.exit_code, 0) << seg.output;
    std::ofstream(dir_ / "t.csv") << "id,spend,visits\n1,10.5,3\n2,20.25,4\n3,7,1\n4,12,2\n";
  }
  static void TearDownTestSuite() { fs::remove_all(dir_); }
  static std::string path(const std::string& name) { return (dir_ / name).string(); }
  static void write_lock(const fs::path& lock, const std::string& lock_host, long pid) {
    fs::create_directories(lock.parent_path());
    std::ofstream(lock) << "host=" << lock_host << "\npid=" << pid << "\nstarted=2026-01-01T00:00:00Z\njob=segment\n";
  }
  static inline fs::path dir_;
};

// A pid that no process has now: a child that has exited and been reaped.
long dead_pid() {
  const RunResult r = run_shell("sh -c 'echo $$'");
  return std::stol(r.output);
}

TEST_F(OutputSets, SecondConcurrentSegmentExitsFourNamingTheFirst) {
  const std::string out = path("busy");
  const std::string mpirun = env_or("CUSTSEG_MPIEXEC", "mpirun");
  // The first run holds its lock for 2 x 4 s around the statistics (test hook); in the background,
  // its output in files (popen returns when nothing holds its pipe).
  run_shell("(CUSTSEG_TEST_PHASE_DELAY_MS=4000 timeout 120 " + mpirun + " --oversubscribe --allow-run-as-root -np " +
            std::to_string(test_np()) + " -x CUSTSEG_TEST_PHASE_DELAY_MS " + custseg_bin() + " segment --input " +
            path("customers.h5") + " --output " + out + " --k 3 -q > " + path("first.log") + " 2>&1; echo $? > " +
            path("first.rc") + ") > /dev/null 2>&1 &");
  const fs::path lock = fs::path(out) / ".custseg.lock";
  for (int i = 0; i < 600 && !fs::exists(lock); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  ASSERT_TRUE(fs::exists(lock)) << "the first run never took its lock: " << slurp(path("first.log"));
  const RunResult second = run_custseg("segment --input " + path("customers.h5") + " --output " + out + " --k 3 -q --overwrite");
  EXPECT_EQ(second.exit_code, 4) << second.output;
  const std::regex named("output \\S*busy is in use by custseg segment \\(pid [0-9]+ on host " + host() +
                         " since [0-9T:Z-]+\\)");
  EXPECT_TRUE(std::regex_search(second.output, named)) << second.output;
  for (int i = 0; i < 1200 && !fs::exists(path("first.rc")); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_EQ(slurp(path("first.rc")), "0\n") << slurp(path("first.log"));
  for (const char* name : {"results.h5", "report.json", "segments.csv", "report.html"})
    EXPECT_TRUE(fs::exists(fs::path(out) / name)) << name;
  EXPECT_FALSE(fs::exists(lock)) << "the lock outlived the run";
}

TEST_F(OutputSets, StaleLockOfADeadProcessIsReportedAndTakenOver) {
  const fs::path lock = dir_ / "stale" / ".custseg.lock";
  write_lock(lock, host(), dead_pid());
  const RunResult r = run_custseg("segment --input " + path("customers.h5") + " --output " + path("stale") + " --k 3 -q");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("taking over the stale lock " + lock.string()), std::string::npos) << r.output;
  EXPECT_TRUE(fs::exists(dir_ / "stale" / "results.h5"));
  EXPECT_FALSE(fs::exists(lock));
}

// A lock from another host cannot be checked: every job that writes an output refuses, even
// with --overwrite, and says how to remove the lock if that run is gone.
TEST_F(OutputSets, LockFromAnotherHostIsHeldByEveryJob) {
  const std::vector<std::pair<std::string, fs::path>> jobs = {
      {"segment --input {D}/customers.h5 --output {D}/held --k 3 --overwrite", dir_ / "held/.custseg.lock"},
      {"score --model {D}/runA/results.h5 --input {D}/customers.h5 --output {D}/held --overwrite", dir_ / "held/.custseg.lock"},
      {"sweep --input {D}/customers.h5 --output {D}/held --k 2:3 --overwrite", dir_ / "held/.custseg.lock"},
      {"compare --previous {D}/runA/results.h5 --current {D}/runA/results.h5 --output {D}/held --overwrite",
       dir_ / "held/.custseg.lock"},
      {"ingest --table {D}/t.csv --id-column id --output {D}/held/t.h5 --overwrite", dir_ / "held/.t.h5.custseg.lock"},
      {"generate --rows 100 --output {D}/held/g.h5 --overwrite", dir_ / "held/.g.h5.custseg.lock"},
  };
  for (const auto& [command, lock] : jobs) {
    write_lock(lock, "elsewhere.example", 1);
    std::string args = command;
    for (std::size_t at = args.find("{D}"); at != std::string::npos; at = args.find("{D}")) args.replace(at, 3, dir_.string());
    const RunResult r = run_custseg(args + " -q");
    EXPECT_EQ(r.exit_code, 4) << args << "\n" << r.output;
    EXPECT_NE(r.output.find("is in use by custseg segment (pid 1 on host elsewhere.example since 2026-01-01T00:00:00Z)"),
              std::string::npos) << args << "\n" << r.output;
    EXPECT_NE(r.output.find("if that run is gone, remove " + lock.string()), std::string::npos) << r.output;
    EXPECT_TRUE(fs::exists(lock)) << "a held lock was removed: " << args;
    fs::remove(lock);
  }
  for (const char* name : {"results.h5", "report.json", "sweep.csv", "migration.csv", "t.h5", "g.h5"})
    EXPECT_FALSE(fs::exists(dir_ / "held" / name)) << name << " was written";
}

// --overwrite removes the old results.h5 first: a rerun that then fails (k above the rows)
// leaves no results.h5, so the folder does not pass for a complete set; and no lock.
TEST_F(OutputSets, OverwriteRemovesTheOldResultsFirst) {
  const std::string out = path("rerun");
  ASSERT_EQ(run_custseg("segment --input " + path("customers.h5") + " --output " + out + " --k 3 -q").exit_code, 0);
  ASSERT_TRUE(fs::exists(fs::path(out) / "results.h5"));
  const RunResult r = run_custseg("segment --input " + path("customers.h5") + " --output " + out + " --k 5000 --overwrite -q");
  EXPECT_EQ(r.exit_code, 3) << r.output;
  for (const char* name : {"results.h5", "results.h5.partial", "report.json", "segments.csv", "report.html", ".custseg.lock"})
    EXPECT_FALSE(fs::exists(fs::path(out) / name)) << name;
}

}  // namespace
