#pragma once
// Checkpoints of the k-means fit (docs/checkpoint-resume.md): everything the remaining work of
// kmeans::fit depends on, so that `segment --resume` continues to results bitwise identical to
// an uninterrupted run, on any number of ranks. Per-row state is not saved: labels, distances
// and the bound-based steps' bounds are recomputed from the saved centroids (the final
// assignment pass and the first pass of a fresh step give Lloyd's labels bit for bit).
//
// File: an HDF5 file (serial, written by rank 0 only) at DIR/checkpoint.h5, written as
// checkpoint.h5.tmp, fsynced, renamed, and the directory fsynced, so a crash leaves either the
// previous checkpoint or the new one. Layout (format_version 1):
//   /  attrs  format="custseg-checkpoint", format_version=1, state="iterating"|"fitted",
//             input_fingerprint (jobs/run_record.hpp), config_fingerprint (16 hex digits),
//             restart, iteration, restart_inertia_count, init_seconds, iterate_seconds
//   /current/centroids            float64 [k*d] of restart `restart` after `iteration` iterations
//   /current/history/...          the iteration records of that restart so far
//   /restart_inertia              float64 [n] of the finished restarts
//   /best (when a restart has finished) attrs run, iterations, converged, distinct_rows;
//         centroids float64, inertia uint64 [2] (low, high 64 bits of the exact Int128), history/...
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "custseg/kmeans/kmeans_result.hpp"
#include "custseg/util/fixed_point.hpp"

namespace custseg::kmeans {

inline constexpr const char* kCheckpointFormat = "custseg-checkpoint";  // root `format` (io::read_model names it)
inline constexpr int kCheckpointFormatVersion = 1;

// The best finished restart so far (its labels are recomputed, not saved).
struct CheckpointBest {
  int run = 0;
  std::vector<double> centroids;  // clusters * d, k-means space
  Int128 inertia = 0;             // exact, at the fit's distance scale
  int iterations = 0;
  bool converged = false;
  std::uint64_t distinct_rows = 0;
  std::vector<IterationRecord> history;
};

struct Checkpoint {
  bool fitted = false;  // every restart done: only the best restart's final pass remains
  std::string input_fingerprint;
  std::uint64_t config_fingerprint = 0;
  int restart = 0;    // the restart in progress (iterating)
  int iteration = 0;  // iterations of that restart done; its centroids are `centroids`
  std::vector<double> centroids;
  std::vector<IterationRecord> history;
  std::optional<CheckpointBest> best;
  std::vector<double> restart_inertia;  // finished restarts
  double init_seconds = 0.0, iterate_seconds = 0.0;  // spent before the checkpoint (timings)
};

// What the driver needs to write checkpoints and to resume from one (segment sets it; sweep and
// bench leave KMeansOptions::checkpoint null and never checkpoint).
struct CheckpointPlan {
  std::string path;  // DIR/checkpoint.h5
  int every = 0;     // write after every `every`-th iteration of a restart; 0 = only on a signal
  std::string input_fingerprint;
  std::uint64_t config_fingerprint = 0;
  std::optional<Checkpoint> resume;  // the checkpoint to continue from
  // Filled by the driver: the agreed stop signal (0 = none), time spent writing checkpoints.
  int stop_signal = 0;
  double write_seconds = 0.0;
  int writes = 0;
};

// 64-bit FNV-1a of `text`: the configuration fingerprint hashes the options that affect results.
[[nodiscard]] std::uint64_t fnv1a64(const std::string& text);
[[nodiscard]] std::string hex64(std::uint64_t value);

// Writes atomically (see above). Call on one rank; throws output errors.
void write_checkpoint(const std::string& path, const Checkpoint& c);
// Reads and checks the format; throws input errors naming the file (corrupt, other format,
// newer version).
[[nodiscard]] Checkpoint read_checkpoint(const std::string& path);

}  // namespace custseg::kmeans
