#pragma once
// Helpers for CLI tests: run the built custseg under mpirun and capture what it prints.
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <sys/wait.h>
#include <unistd.h>

namespace custseg::testing {

inline std::string env_or(const char* name, const std::string& fallback) {
  const char* v = std::getenv(name);
  return v ? v : fallback;
}

inline int test_np() { return std::stoi(env_or("CUSTSEG_TEST_NP", "1")); }
inline std::string custseg_bin() { return env_or("CUSTSEG_BIN", "custseg"); }
inline std::string shared_data() { return env_or("CUSTSEG_SHARED_DATA", "../shared/data"); }
inline std::string source_dir() { return env_or("CUSTSEG_SOURCE_DIR", "."); }

struct RunResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr together
};

// Runs a shell command, capturing output and the exit code.
inline RunResult run_shell(const std::string& command) {
  RunResult r;
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (!pipe) return r;
  std::array<char, 4096> buf{};
  while (fgets(buf.data(), buf.size(), pipe)) r.output += buf.data();
  const int status = pclose(pipe);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

// `custseg <args>` on `np` ranks (default: this test's rank count). A timeout guards against
// hangs so a broken error path fails the test instead of the whole suite.
inline RunResult run_custseg(const std::string& args, int np = test_np(), int timeout_s = 240) {
  const std::string mpirun = env_or("CUSTSEG_MPIEXEC", "mpirun");
  return run_shell("timeout " + std::to_string(timeout_s) + " " + mpirun +
                   " --oversubscribe --allow-run-as-root -np " + std::to_string(np) + " " + custseg_bin() + " " + args);
}

// A fresh scratch directory per test binary, rank count and test.
inline std::filesystem::path scratch_dir(const std::string& name) {
  auto dir = std::filesystem::temp_directory_path() /
             ("custseg-test-" + name + "-np" + std::to_string(test_np()) + "-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

// The whole file as a string ("" when it cannot be read).
inline std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Base fixture of the suites that work on one generated customer table: SetUpTestSuite makes a
// fresh scratch directory, runs `custseg generate <Suite::generate_args()>` into table() there
// (on Suite::generate_ranks() ranks), then Suite::after_generate() (reference runs); the
// directory goes when the suite ends. CRTP, so each suite has its own directory.
template <class Suite>
class GeneratedTable : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = scratch_dir(Suite::kScratchName);
    const auto gen = run_custseg("generate " + Suite::generate_args() + " -q --output " + table(), Suite::generate_ranks());
    ASSERT_EQ(gen.exit_code, 0) << gen.output;
    Suite::after_generate();
  }
  static void TearDownTestSuite() { std::filesystem::remove_all(dir_); }
  static std::string table() { return (dir_ / "customers.h5").string(); }

  // Defaults a suite may hide: the table is generated on one rank, and nothing runs after it.
  static int generate_ranks() { return 1; }
  static void after_generate() {}

  // A reference run of the suite's own command, which its tests compare against.
  static void run_reference(const std::string& args) {
    const auto ref = run_custseg(args, 1);
    ASSERT_EQ(ref.exit_code, 0) << ref.output;
  }

  static inline std::filesystem::path dir_;
};

}  // namespace custseg::testing
