#pragma once
// Progress lines for the user. Only rank 0 prints, so a 4096-rank job logs like a 1-rank job.
#include <chrono>
#include <string>

namespace custseg {

enum class Verbosity { quiet = 0, normal = 1, verbose = 2 };

class Logger {
 public:
  Logger(int rank, Verbosity level);
  // A progress line, prefixed with the elapsed wall time of the job.
  void info(const std::string& message) const;
  // Detail that only --verbose shows (per-rank figures, per-iteration internals).
  void detail(const std::string& message) const;
  [[nodiscard]] double elapsed_seconds() const;
  [[nodiscard]] Verbosity level() const { return level_; }

 private:
  void print(const std::string& message) const;
  int rank_;
  Verbosity level_;
  std::chrono::steady_clock::time_point start_;
};

// Wall-clock stopwatch for phase timings.
class Stopwatch {
 public:
  Stopwatch() : start_(std::chrono::steady_clock::now()) {}
  [[nodiscard]] double seconds() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  }

 private:
  std::chrono::steady_clock::time_point start_;
};

// "12.3 MiB"-style text for byte counts, and peak resident memory of this process.
std::string format_bytes(double bytes);
double peak_rss_bytes();

}  // namespace custseg
