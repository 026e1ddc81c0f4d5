#pragma once
// SIGTERM, SIGINT and SIGUSR1 as a request to stop (docs/checkpoint-resume.md, "Stopping a job").
//
// Open MPI 4.1's mpirun, on SIGTERM, sends the ranks SIGCONT, waits 1 s, sends SIGTERM and SIGKILLs
// them 1 s later or as soon as one rank has exited (milliseconds), so a stop must be complete
// within milliseconds of the SIGTERM. Two modes:
//  * immediate (the default once installed): the handler itself removes the registered partial
//    outputs and lock files (unlink), rank 0 prints one line naming the signal and what was left
//    (write), and the process ends with exit code 75 (_exit). Only async-signal-safe calls; every
//    path and message is copied into fixed-size buffers before a signal can need it.
//  * deferred (while a StopDeferral lives: segment's k-means iterations): the handler only records
//    the signal; the driver agrees on it in the iteration's reduction, writes a checkpoint and
//    stops with exit code 75 through the normal error path.
#include <string>
#include <vector>

namespace custseg {

// Installs the handlers for SIGTERM, SIGINT and SIGUSR1 (idempotent; a later call updates the
// job name and `speaks`). `speaks`: this process prints the stop line (rank 0 only, so a job
// stopped on every rank prints one line).
void install_stop_handlers(const std::string& job, bool speaks);

// What an immediate stop says was left. Default: "before the outputs were complete; nothing was
// written; rerun the same command". The text follows "stopped by SIGxxx".
void set_stop_message(const std::string& after_signal);
// From now on a resumable checkpoint exists at `path`: an immediate stop keeps it and says
// "checkpoint PATH kept; rerun with --resume" (segment).
void set_stop_checkpoint(const std::string& path);

// The signal received by this process since the handlers were installed (the last one), or 0.
[[nodiscard]] int pending_stop_signal() noexcept;

// Stops now, as the handler would, if a signal was recorded while stops were deferred and no one
// acted on it (e.g. one that arrived after the last reduction of a k-means restart).
void act_on_pending_stop();

// While alive, signals are only recorded (nestable). For code that agrees on the signal across
// ranks at points it chooses and then stops cleanly (the k-means driver's checkpoints).
class StopDeferral {
 public:
  StopDeferral() noexcept;
  ~StopDeferral();
  StopDeferral(const StopDeferral&) = delete;
  StopDeferral& operator=(const StopDeferral&) = delete;
};

// The outputs are complete: from now on a signal is only recorded and the job finishes normally
// (exit 0); stopping would remove nothing and leave a complete set reported as a stop.
void stops_ignored_from_now() noexcept;

// ---- files an immediate stop removes (NAME.partial files, the output lock) ----
// Paths are removed in the reverse order of registration (a lock registered first goes last).
// At most 64 at once, each shorter than 4096 bytes (a longer one throws an internal error).

// Registers `path`; returns a handle for unregister_cleanup_path.
[[nodiscard]] int register_cleanup_path(const std::string& path);
void unregister_cleanup_path(int handle) noexcept;

// RAII registration of several paths for as long as the object lives.
class CleanupPaths {
 public:
  CleanupPaths() = default;
  explicit CleanupPaths(const std::vector<std::string>& paths);
  ~CleanupPaths();
  CleanupPaths(CleanupPaths&& other) noexcept;
  CleanupPaths& operator=(CleanupPaths&& other) noexcept;
  CleanupPaths(const CleanupPaths&) = delete;
  CleanupPaths& operator=(const CleanupPaths&) = delete;

 private:
  void release() noexcept;
  std::vector<int> handles_;
};

// "SIGTERM", "SIGINT", "SIGUSR1", or "signal N".
[[nodiscard]] std::string signal_name(int signal);

// Bits of the flag that travels in the k-means reduction: SIGTERM counts in bits 0-20, SIGINT in
// bits 21-41, SIGUSR1 (and any other) in bits 42-62, so the sum over up to 2^21 ranks still says
// which arrived.
[[nodiscard]] long long stop_flag_bits(int signal) noexcept;
// The signal an agreed sum of stop_flag_bits stands for (SIGTERM, then SIGINT, wins), or 0.
[[nodiscard]] int signal_of_flag_sum(long long sum) noexcept;

// For tests only: CUSTSEG_TEST_HOLD=PHASE:MS holds this process MS milliseconds when the job
// reaches `phase` ("read", "init", "statistics", "write"), after rank 0 printed
// "custseg test hold: PHASE", so that a fault test can signal or kill it there. No effect unset.
void test_hold(const char* phase);

}  // namespace custseg
