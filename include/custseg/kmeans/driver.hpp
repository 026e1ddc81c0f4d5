#pragma once
// The distributed k-means driver: owns the loop and every decision; local steps only turn
// centroids into sums (DESIGN.md, "The one pattern").
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "custseg/data/feature_matrix.hpp"
#include "custseg/kmeans/cluster_sums.hpp"
#include "custseg/kmeans/init.hpp"
#include "custseg/kmeans/local_step.hpp"
#include "custseg/mpi/communicator.hpp"
#include "custseg/util/log.hpp"

namespace custseg::kmeans {

struct KMeansOptions {
  std::size_t k = 8;
  std::uint64_t seed = 1;
  int max_iter = 300;
  double tol = 1e-4;  // converged when the total squared centroid shift <= tol * mean feature variance
  int n_init = 3;
  int init_rounds = 5;
  double oversampling = 2.0;
  std::optional<std::vector<double>> initial_centroids;  // k * d, in the k-means space; skips init
  Algorithm algorithm = Algorithm::automatic;            // same labels whichever is chosen
};

struct IterationRecord {
  int iteration = 0;
  double inertia = 0.0;  // of the assignment made in this iteration, before the update
                         // (inertia_from_sums: the same bits for every algorithm)
  double shift = 0.0;    // total squared centroid shift of the update
  double seconds = 0.0;
  int reseeded = 0;      // empty clusters re-seeded in this iteration
  std::uint64_t rows_searched = 0;  // all ranks: rows whose distances were computed
};

struct KMeansResult {
  std::vector<double> centroids;        // k * d, k-means space
  std::vector<std::int32_t> labels;     // local rows
  std::vector<float> distance2;         // local rows (direct formula, rounded to float)
  std::vector<std::int64_t> counts;     // k, global
  double inertia = 0.0;
  int iterations = 0;
  bool converged = false;
  int best_restart = 0;
  std::vector<double> restart_inertia;
  std::vector<IterationRecord> history;  // of the kept restart
  double init_seconds = 0.0;             // all restarts
  double iterate_seconds = 0.0;          // all restarts
  std::string algorithm;                 // the step that ran (auto resolved)
};

// Collective. `variance_scale` is the mean feature variance in the k-means space (1 after
// standardization), which makes `tol` relative like scikit-learn's.
KMeansResult fit(const mpi::Communicator& comm, const data::FeatureMatrix& x, const KMeansOptions& options,
                 double variance_scale, const Logger& log);

// Global per-feature maximum magnitude of x, for the fixed-point scales. Collective.
std::vector<double> global_max_abs(const mpi::Communicator& comm, const data::FeatureMatrix& x);

// ---- The loop's pieces shared with fit_streaming (streaming_fit.cpp) ----

// One restart: its final centroids, assignment, distances and exact sums.
struct RunOutcome {
  std::vector<double> centroids;
  std::vector<std::int32_t> labels;
  std::vector<float> d2;
  ClusterSums sums;
  int iterations = 0;
  bool converged = false;
  std::vector<IterationRecord> history;
  double init_seconds = 0.0, iterate_seconds = 0.0;
};

// The one collective of an iteration: the local summary plus the pruning statistic (rows
// searched), summed exactly. All ranks must reach this, even with zero rows.
ClusterSums reduce_sums(const mpi::Communicator& comm, ClusterSums local, std::uint64_t& rows_searched);

// Runs every restart (run_once(run seed)) and keeps the one of lowest exact inertia (ties: the
// earlier one), so every rank keeps the same restart. `algorithm` names the step that ran.
KMeansResult best_of_restarts(const KMeansOptions& options, const SumScales& scales, const std::string& algorithm,
                              const Logger& log, const std::function<RunOutcome(std::uint64_t)>& run_once);

}  // namespace custseg::kmeans
