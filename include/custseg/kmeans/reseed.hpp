#pragma once
// Deterministic re-seeding of empty clusters: each empty cluster (in index order) takes the
// globally farthest remaining row from its assigned centroid (ties: lowest global row).
#include <span>
#include <vector>

#include "custseg/data/feature_matrix.hpp"
#include "custseg/kmeans/cluster_sums.hpp"
#include "custseg/mpi/communicator.hpp"

namespace custseg::kmeans {

// Collective when any cluster is empty (every rank sees the same global counts, so all or none
// enter). Returns the number of clusters re-seeded.
int reseed_empty_clusters(const mpi::Communicator& comm, const data::FeatureMatrix& x, const ClusterSums& global,
                          std::span<const float> distance2, std::vector<double>& centroids);

}  // namespace custseg::kmeans
