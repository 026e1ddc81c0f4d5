#pragma once
// Helpers for CLI tests: run the built custseg under mpirun and capture what it prints.
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

}  // namespace custseg::testing
