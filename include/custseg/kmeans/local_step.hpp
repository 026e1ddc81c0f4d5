#pragma once
// One contract for every exact local step (after mlpack's Lloyd step types, STYLE.md): given the
// current centroids, label every local row and return this rank's mergeable ClusterSums. The
// driver owns the loop, the collective and every decision; a step never sees MPI. Steps may keep
// state between calls (bounds, running sums); they remember the centroids of their last call, so
// any change of centroids (an update or a re-seed) is just a shift to them.
//
// Every step returns the labels nearest_centroid would give (assign.hpp) and bitwise-identical
// sums and counts; tests/mpi/test_kmeans_variants.cpp checks this at every iteration.
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

// The `auto` rule (measured by `custseg bench`, see algorithm.cpp): a pure function of the
// global problem size, so every rank picks the same step.
Algorithm choose_algorithm(Algorithm requested, std::uint64_t global_rows, std::size_t d, std::size_t k);

class LocalStep {
 public:
  virtual ~LocalStep() = default;
  // labels: one per local row, owned by the caller and kept between calls. The returned
  // inertia is not filled in (the driver uses inertia_from_sums).
  virtual ClusterSums run(const std::vector<double>& centroids, std::span<std::int32_t> labels) = 0;
  // Rows whose distances were computed in the last call (all rows for Lloyd): the pruning rate.
  [[nodiscard]] virtual std::size_t rows_searched() const = 0;
};

std::unique_ptr<LocalStep> make_local_step(Algorithm algorithm, const data::FeatureMatrix& x, std::size_t k,
                                           const SumScales& scales);

}  // namespace custseg::kmeans
