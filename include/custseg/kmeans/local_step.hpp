#pragma once
// One contract for every exact local step (after mlpack's Lloyd step types, STYLE.md): given the
// current centroids, label every local row and return this rank's mergeable ClusterSums. The
// driver (driver.cpp) owns the loop, the collective and every decision; a step never sees MPI.
// Steps may keep state between calls (bounds, running sums); they remember the centroids of their
// last call, so any change of centroids (an update or a re-seed) is just a shift to them.
//
// Every step returns the labels nearest_centroid would give (assign.hpp) and bitwise-identical
// sums and counts; tests/unit/test_bound_steps.cpp (no MPI) and tests/mpi/test_kmeans_variants.cpp
// (1-4 ranks) check this at every iteration.
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "custseg/data/feature_matrix.hpp"
#include "custseg/kmeans/cluster_sums.hpp"

namespace custseg::kmeans {

enum class Algorithm { lloyd, hamerly, yinyang, automatic };

// "lloyd" | "hamerly" | "yinyang" | "auto"; throws a usage error otherwise.
Algorithm parse_algorithm(const std::string& name);
std::string to_string(Algorithm a);

// The `auto` rule: a pure function of the global problem size, so every rank picks the same step
// (measurements behind it: docs/kmeans-benchmark.md).
inline constexpr std::uint64_t kAutoMinRows = 20000;  // below: always Lloyd (bounds do not pay)
inline constexpr std::size_t kAutoHamerlyMinK = 32;    // Hamerly needs k >= 32 ...
inline constexpr std::size_t kAutoHamerlyMinDims = 32; // ... and d >= 32
Algorithm choose_algorithm(Algorithm requested, std::uint64_t global_rows, std::size_t d, std::size_t k);

// What one call of a step gives this rank: the summary to reduce, and how many rows had their
// distances computed (all rows for Lloyd; the pruning rate of the bound-based steps).
struct LocalPass {
  ClusterSums sums;                // inertia not filled in (the driver uses inertia_from_sums)
  std::uint64_t rows_searched = 0;
};

class LocalStep {
 public:
  virtual ~LocalStep() = default;
  // labels: one per local row, owned by the caller and kept between calls.
  virtual LocalPass run(const std::vector<double>& centroids, std::span<std::int32_t> labels) = 0;
};

// The step over x (which must outlive it). Collective steps do not exist: a streamed source is
// iterated chunk by chunk by the driver with the stateless Lloyd step.
std::unique_ptr<LocalStep> make_local_step(Algorithm algorithm, const data::FeatureMatrix& x, std::size_t k,
                                           const SumScales& scales);

}  // namespace custseg::kmeans
