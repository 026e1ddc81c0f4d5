#pragma once
// Progress of a long phase, with an estimate of the time left (issue 13): k-means|| rounds, the
// statistics' column passes, CSV parsing, the streamed passes. One line at most every
// `interval` seconds (default 5; CUSTSEG_PROGRESS_SECONDS overrides, 0 = every step, for tests):
//
//   [custseg   12.41s] statistics: 6 of 12 columns (50%), 10.2 s elapsed, ~10 s left
//
// The estimate is linear in the work done (elapsed / done x remaining), from rank 0's own share
// of the work: the ranks hold equal blocks and meet at every collective, so rank 0's fraction is
// the job's. Prints through Logger::info: rank 0 only, nothing with --quiet. MPI-free.
#include <string>

#include "custseg/util/log.hpp"

namespace custseg {

class Progress {
 public:
  // `total`: units of work in the phase (rows, bytes, columns, rounds); `unit`: their name.
  Progress(const Logger& log, std::string phase, double total, std::string unit);
  // `done` units finished so far (monotone); prints when the interval has passed since the last
  // line and the phase is not finished (its own summary line follows then).
  void update(double done);
  // The line update() would print (for tests and for callers that log it themselves).
  [[nodiscard]] std::string line(double done, double elapsed) const;

 private:
  const Logger& log_;
  std::string phase_, unit_;
  double total_;
  double interval_;
  Stopwatch clock_;
  double last_print_ = 0.0;
};

// "12 s", "4 min 10 s", "1 h 05 min": a duration as a person reads it.
std::string format_duration(double seconds);

}  // namespace custseg
