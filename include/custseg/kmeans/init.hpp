#pragma once
// k-means|| initialisation (Bahmani, Moseley, Vattani, Kumar, Vassilvitskii, VLDB 2012).
//
// A few rounds over the distributed data each pick every row independently with probability
// min(1, l * d^2(x, C) / phi), where the uniform draw is keyed by (seed, round, global row), so the
// candidates do not depend on the number of ranks. The candidates, weighted by how many rows are
// nearest to each, are then reduced to k centres on every rank by the same serial weighted
// k-means++ and a few weighted Lloyd steps (identical input -> identical output everywhere).
#include <cstdint>
#include <vector>

#include "custseg/kmeans/cluster_sums.hpp"

namespace custseg {
class Logger;
namespace mpi { class Communicator; }
namespace data { struct FeatureMatrix; class RowSource; }
}  // namespace custseg

namespace custseg::kmeans {

// Set by the driver from KMeansOptions (driver.hpp), which holds the defaults.
struct InitOptions {
  std::size_t k = 0;
  std::uint64_t seed = 0;
  int rounds = 0;             // oversampling rounds
  double oversampling = 0.0;  // l = oversampling * k expected candidates per round
};

// Pure: k centres from weighted candidates (greedy k-means++: each centre the best of 2 + ln k
// draws, as scikit-learn; then up to `refine` weighted Lloyd steps).
// candidates: m * d row-major; weights: m. Fewer distinct candidates than k repeat a centre.
inline constexpr int kKMeansPlusPlusRefineSteps = 20;
std::vector<double> weighted_kmeanspp(const std::vector<double>& candidates, const std::vector<double>& weights,
                                      std::size_t d, std::size_t k, std::uint64_t seed,
                                      int refine = kKMeansPlusPlusRefineSteps);

// Collective: every rank returns the same k * d centres, from the rows of `source` (each round
// is one pass over its chunks; a progress line per round on `log`).
std::vector<double> kmeans_parallel_init(const mpi::Communicator& comm, data::RowSource& source,
                                         const SumScales& scales, const InitOptions& options, const Logger& log);
// The same over rows held in memory.
std::vector<double> kmeans_parallel_init(const mpi::Communicator& comm, const data::FeatureMatrix& x,
                                         const SumScales& scales, const InitOptions& options);

}  // namespace custseg::kmeans
