#pragma once
// The distributed k-means driver: owns the loop and every decision; local steps only turn
// centroids into sums (DESIGN.md, "The one pattern"). One loop for every step and every way of
// holding rows: in-memory features are a row source with one chunk, a table streamed from HDF5
// (segment --memory-limit) one with many, and both give the same bits.
//
// Method: Lloyd's algorithm with exact integer sums (bitwise identical for any number of ranks
// and threads), k-means|| initialisation (init.hpp), restarts keeping the lowest exact inertia,
// empty clusters re-seeded with the farthest rows, scikit-learn's relative tolerance.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "custseg/kmeans/cluster_sums.hpp"
#include "custseg/kmeans/kmeans_result.hpp"
#include "custseg/kmeans/local_step.hpp"

namespace custseg {
class Logger;
namespace mpi { class Communicator; }
namespace data { struct FeatureMatrix; class RowSource; }
}  // namespace custseg

namespace custseg::kmeans {

struct CheckpointPlan;  // checkpoint.hpp

// The defaults here are custseg's built-in defaults (config/fit_options.hpp takes them from here).
// What to do when the data has fewer distinct rows than k (KMeansResult::distinct_rows).
enum class FewerDistinct { reduce, fail };
FewerDistinct parse_fewer_distinct(const std::string& text);  // throws a usage error
std::string to_string(FewerDistinct policy);

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
  // reduce: fit one cluster per distinct row and say so; fail: an input error (exit 3).
  FewerDistinct fewer_distinct = FewerDistinct::reduce;
  // segment's checkpoints (checkpoint.hpp): where and how often to write them, the state to resume
  // from. Null: no checkpoints (sweep, bench). After a checkpoint written because a rank got
  // SIGTERM or SIGUSR1 (util/stop_signal.hpp), fit throws ExitCode::stopped on every rank.
  CheckpointPlan* checkpoint = nullptr;
};

// Collective. `variance_scale` is the mean feature variance in the k-means space (1 after
// standardization), which makes `tol` relative like scikit-learn's. A streaming source runs the
// Lloyd step (the bound-based steps keep per-row state that a streamed chunk does not hold; they
// give the same labels anyway). Labels and distances are per local row of the source.
KMeansResult fit(const mpi::Communicator& comm, data::RowSource& source, const KMeansOptions& options,
                 double variance_scale, const Logger& log);
// The same over rows held in memory.
KMeansResult fit(const mpi::Communicator& comm, const data::FeatureMatrix& x, const KMeansOptions& options,
                 double variance_scale, const Logger& log);

// Global per-feature maximum magnitude of x, for the fixed-point scales. Collective.
std::vector<double> global_max_abs(const mpi::Communicator& comm, const data::FeatureMatrix& x);

// The global result of one pass: the exact sums and the rows searched over all ranks.
struct GlobalPass {
  ClusterSums sums;
  std::uint64_t rows_searched = 0;
  long long stop_flags = 0;  // sum of stop_flag_bits over ranks (util/stop_signal.hpp); 0 = none
};
// The one collective of an iteration: the local summary, the searched-row count and this rank's
// pending stop signal, summed exactly in one reduction. All ranks must reach this, even with zero rows.
GlobalPass reduce_sums(const mpi::Communicator& comm, LocalPass local);

}  // namespace custseg::kmeans
