// The stop request (util/stop_signal.hpp). Deferred: the handler only records the signal, and the
// flag that travels in the k-means reduction, summed over ranks, still says which signal arrived.
// Immediate (in a forked child, since it ends the process): registered partial files removed,
// one line naming the signal, exit code 75.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <string>

#include "custseg/util/stop_signal.hpp"

using namespace custseg;
namespace fs = std::filesystem;

TEST(StopSignal, FlagSumsKeepWhichSignalArrived) {
  EXPECT_EQ(signal_of_flag_sum(0), 0);
  EXPECT_EQ(signal_of_flag_sum(stop_flag_bits(0) * 5), 0);
  // 3 ranks got SIGUSR1, none SIGTERM.
  EXPECT_EQ(signal_of_flag_sum(3 * stop_flag_bits(SIGUSR1)), SIGUSR1);
  EXPECT_EQ(signal_of_flag_sum(7 * stop_flag_bits(SIGINT) + 3 * stop_flag_bits(SIGUSR1)), SIGINT);
  // 1,000,000 ranks of each: the counts do not spill into each other.
  const long long m = 1000000;
  EXPECT_EQ(signal_of_flag_sum(m * stop_flag_bits(SIGTERM) + m * stop_flag_bits(SIGINT) + m * stop_flag_bits(SIGUSR1)), SIGTERM);
  EXPECT_EQ(signal_of_flag_sum(m * stop_flag_bits(SIGINT) + m * stop_flag_bits(SIGUSR1)), SIGINT);
  EXPECT_EQ(signal_of_flag_sum(m * stop_flag_bits(SIGUSR1)), SIGUSR1);
  EXPECT_EQ(signal_name(SIGTERM), "SIGTERM");
  EXPECT_EQ(signal_name(SIGINT), "SIGINT");
  EXPECT_EQ(signal_name(SIGUSR1), "SIGUSR1");
}

TEST(StopSignal, DeferredHandlerRecordsTheSignalInsteadOfTerminating) {
  install_stop_handlers("test", false);
  install_stop_handlers("test", false);  // idempotent
  const StopDeferral deferred;
  ASSERT_EQ(std::raise(SIGUSR1), 0);  // the default action would end this test binary
  EXPECT_EQ(pending_stop_signal(), SIGUSR1);
  ASSERT_EQ(std::raise(SIGTERM), 0);
  EXPECT_EQ(pending_stop_signal(), SIGTERM);
}

// Runs `body` in a child whose stderr goes to `err`; returns the child's wait status.
template <class Body>
int in_child(const fs::path& err, Body body) {
  const pid_t pid = fork();
  if (pid == 0) {
    std::freopen(err.c_str(), "w", stderr);
    body();
    _exit(99);  // not reached when the stop worked
  }
  int status = 0;
  waitpid(pid, &status, 0);
  return status;
}

std::string read_text(const fs::path& p) {
  std::ifstream in(p);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

TEST(StopSignal, ImmediateStopRemovesRegisteredFilesSaysWhyAndExits75) {
  const fs::path dir = fs::temp_directory_path() / ("custseg_stop_" + std::to_string(getpid()));
  fs::create_directories(dir);
  const fs::path partial = dir / "results.h5.partial", kept = dir / "kept.txt", released = dir / "released.partial";
  for (const auto& p : {partial, kept, released}) std::ofstream(p) << "x";
  const int status = in_child(dir / "err.txt", [&] {
    install_stop_handlers("score", true);
    const CleanupPaths temporary({partial.string()});
    { const CleanupPaths done({released.string()}); }  // unregistered again: must survive
    std::raise(SIGTERM);
  });
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 75);
  EXPECT_FALSE(fs::exists(partial));
  EXPECT_TRUE(fs::exists(kept));
  EXPECT_TRUE(fs::exists(released));
  EXPECT_EQ(read_text(dir / "err.txt"),
            "custseg score: stopped by SIGTERM before the outputs were complete; nothing was written; rerun the same command\n");

  // With a checkpoint the line says so; a process that does not speak (rank > 0) prints nothing.
  const int with_checkpoint = in_child(dir / "err2.txt", [&] {
    install_stop_handlers("segment", true);
    set_stop_checkpoint("out/checkpoint.h5");
    std::raise(SIGINT);
  });
  EXPECT_EQ(WEXITSTATUS(with_checkpoint), 75);
  EXPECT_EQ(read_text(dir / "err2.txt"), "custseg segment: stopped by SIGINT; checkpoint out/checkpoint.h5 kept; rerun with --resume\n");
  const int silent = in_child(dir / "err3.txt", [&] {
    install_stop_handlers("segment", false);
    std::raise(SIGUSR1);
  });
  EXPECT_EQ(WEXITSTATUS(silent), 75);
  EXPECT_EQ(read_text(dir / "err3.txt"), "");
  fs::remove_all(dir);
}

TEST(StopSignal, AfterTheOutputsAreCompleteASignalIsOnlyRecorded) {
  const fs::path err = fs::temp_directory_path() / ("custseg_stop_done_" + std::to_string(getpid()));
  const int status = in_child(err, [&] {
    install_stop_handlers("segment", true);
    stops_ignored_from_now();
    std::raise(SIGTERM);
    _exit(pending_stop_signal() == SIGTERM ? 0 : 98);
  });
  EXPECT_EQ(WEXITSTATUS(status), 0);
  fs::remove(err);
}
