#pragma once
// Deterministic re-seeding of empty clusters: each empty cluster (in index order) takes the
// globally farthest remaining row from its assigned centroid (ties: lowest global row).
#include <cstdint>
#include <span>
#include <vector>

#include "custseg/data/feature_matrix.hpp"
#include "custseg/kmeans/cluster_sums.hpp"
#include "custseg/kmeans/init.hpp"
#include "custseg/mpi/communicator.hpp"

namespace custseg::kmeans {

// Collective when any cluster is empty (every rank sees the same global counts, so all or none
// enter). Returns the number of clusters re-seeded.
int reseed_empty_clusters(const mpi::Communicator& comm, const data::FeatureMatrix& x, const ClusterSums& global,
                          std::span<const float> distance2, std::vector<double>& centroids);

// ---- Steps shared with the streamed re-seeding (streaming_fit.cpp) ----

// The empty clusters of the global sums, in index order.
std::vector<std::size_t> empty_clusters(const ClusterSums& global);

// Pure: this rank's `count` (at most) farthest rows, farthest first (ties: lowest global row).
std::vector<std::size_t> farthest_rows(std::span<const float> distance2, const GlobalRow& global_row,
                                       std::size_t count);

// From every rank's farthest rows, gathered as (distance, global row, d features) per row: the
// globally farthest go to the empty clusters in order. Returns the number of empty clusters.
int reseed_from_gathered(const std::vector<double>& all, std::size_t d, const std::vector<std::size_t>& empty,
                         std::vector<double>& centroids);

}  // namespace custseg::kmeans
