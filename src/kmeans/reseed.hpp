#pragma once
// Deterministic re-seeding of empty clusters: each empty cluster (in index order) takes the
// globally farthest remaining row from its assigned centroid (ties: lowest global row).
// The pure steps (reseed_steps.cpp) and the collective that joins them (reseed.cpp).
#include <cstdint>
#include <span>
#include <vector>

#include "custseg/data/feature_matrix.hpp"
#include "custseg/kmeans/cluster_sums.hpp"
#include "init_steps.hpp"

namespace custseg::mpi { class Communicator; }
namespace custseg::data { class RowSource; }

namespace custseg::kmeans::detail {

// The empty clusters of the global sums, in index order.
std::vector<std::size_t> empty_clusters(const ClusterSums& global);

// A candidate row for an empty cluster: its squared distance, its global row (the tie-break) and
// its features. Travels as d + 2 doubles (exact: global rows below 2^53).
struct FarRow {
  double distance2 = 0.0;
  std::uint64_t global_row = 0;
  std::vector<double> features;
};
void pack_far_row(const FarRow& row, std::vector<double>& out);
std::vector<FarRow> unpack_far_rows(const std::vector<double>& packed, std::size_t d);

// This rank's `count` (at most) farthest rows as local indices, farthest first.
std::vector<std::size_t> farthest_rows(std::span<const float> distance2, const GlobalRow& global_row,
                                       std::size_t count);

// The globally farthest of every rank's candidates go to the empty clusters in order.
void reseed_from(std::vector<FarRow> pool, const std::vector<std::size_t>& empty, std::vector<double>& centroids);

// Collective when any cluster is empty (every rank sees the same global counts, so all or none
// enter). distance2: every local row's squared distance to its centroid before the update.
// Returns the number of clusters re-seeded.
int reseed_empty_clusters(const mpi::Communicator& comm, data::RowSource& source, const ClusterSums& global,
                          std::span<const float> distance2, std::vector<double>& centroids);

}  // namespace custseg::kmeans::detail
