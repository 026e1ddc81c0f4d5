#pragma once
// Per-rank phase times and communication figures for scale-out benchmarks.
//
// Every rank times its own phases; one MPI_Gather of a small vector brings them to rank 0,
// which adds a "timing_detail" section to report.json (scripts/bench-scaling.sh reads it):
// per-rank seconds per phase, load imbalance (max / mean over ranks), the time and bytes of the
// per-iteration Lloyd allreduce, and what the HDF5 transfers did (bytes, seconds, collective or
// not, and why not).
#include <chrono>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "custseg/mpi/communicator.hpp"
#include "custseg/util/log.hpp"

namespace custseg::timing {

// Wall time and payload inside one kind of collective, accumulated by the code that calls it.
struct CommCounter {
  double seconds = 0.0;
  std::uint64_t calls = 0;
  std::uint64_t bytes = 0;  // this rank's payload, summed over calls
};

// The per-iteration Lloyd allreduce of the k-means driver (global_step). Process-wide; only the
// main thread calls MPI, so no locking.
CommCounter& lloyd_allreduce();

// Adds the wall time of its scope, one call and `bytes` to a counter. The time includes waiting
// for the slowest rank to arrive, so its minimum over ranks is the closest to the pure cost.
class ScopedComm {
 public:
  ScopedComm(CommCounter& counter, std::uint64_t bytes)
      : counter_(counter), bytes_(bytes), start_(std::chrono::steady_clock::now()) {}
  ~ScopedComm() {
    counter_.seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    ++counter_.calls;
    counter_.bytes += bytes_;
  }
  ScopedComm(const ScopedComm&) = delete;
  ScopedComm& operator=(const ScopedComm&) = delete;

 private:
  CommCounter& counter_;
  std::uint64_t bytes_;
  std::chrono::steady_clock::time_point start_;
};

// What one rank measured. `phases` has the same names in the same order on every rank; a
// "read+prepare" phase is split into "read" (time inside HDF5 reads, `read_io_seconds`) and
// "transform" (the rest: validation, transforms, scaling statistics, standardization).
struct RankFigures {
  std::vector<std::pair<std::string, double>> phases;
  double read_io_seconds = 0.0;
  std::uint64_t rows = 0;
};

// Collective (one MPI_Gather; every rank must call it, even with zero rows). Returns the
// "timing_detail" JSON object as text on rank 0 and "" on the other ranks.
std::string gather_timing_detail(const mpi::Communicator& comm, const RankFigures& mine);

// `report_json` with `detail` (a JSON object) added under "timing_detail"; key order is kept.
std::string add_timing_detail(const std::string& report_json, const std::string& detail);

// Collective: gathers this rank's figures, adds them to the report.json at `report_path` on rank
// 0 (rewritten atomically), and logs the HDF5 collective-I/O check (fallbacks at info level, the
// per-phase imbalance with --verbose). Errors are agreed across ranks.
void append_timing_detail(const mpi::Communicator& comm, const RankFigures& mine, const std::string& report_path,
                          const Logger& log);

}  // namespace custseg::timing
