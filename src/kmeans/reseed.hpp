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

// Fewer distinct rows than k (duplicates): a cluster is empty and cannot usefully be re-seeded
// when every non-empty cluster holds one distinct point only, because every row then sits on its
// centroid already: the optimum (inertia 0) with that many clusters is reached, and re-seeding
// would only repeat. The exact test is order-free: per cluster and feature the largest value and
// the negated smallest (max is associative, so any split over ranks gives the same answer).
// extents: 2 * k * d, [max | -min], start at -infinity; merge_cluster_extents adds rows.
std::vector<double> empty_cluster_extents(std::size_t k, std::size_t d);
void merge_cluster_extents(const data::FeatureMatrix& x, std::span<const std::int32_t> labels,
                           std::vector<double>& extents);
// From the global extents: the indices of the non-empty clusters when each of them is a single
// point (then they are the distinct rows: identical rows always get the same label), else empty.
std::vector<std::size_t> one_point_clusters(const std::vector<double>& extents, const ClusterSums& global);
// Collective (all ranks enter together: the global counts are the same everywhere).
std::vector<std::size_t> clusters_if_all_points(const mpi::Communicator& comm, data::RowSource& source,
                                                const ClusterSums& global, std::span<const std::int32_t> labels);

// Collective when any cluster is empty (every rank sees the same global counts, so all or none
// enter). distance2: every local row's squared distance to its centroid before the update.
// Returns the number of clusters re-seeded.
int reseed_empty_clusters(const mpi::Communicator& comm, data::RowSource& source, const ClusterSums& global,
                          std::span<const float> distance2, std::vector<double>& centroids);

}  // namespace custseg::kmeans::detail
