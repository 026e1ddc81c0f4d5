#pragma once
// The local Lloyd step: assign this rank's rows to their nearest centroid and return the
// mergeable sums. TBB inside, no MPI (DESIGN.md).
#include <span>
#include <vector>

#include "custseg/data/feature_matrix.hpp"
#include "custseg/kmeans/cluster_sums.hpp"

namespace custseg::kmeans {

// centroids: k * d row-major. Writes each row's label and squared distance.
ClusterSums lloyd_local_step(const data::FeatureMatrix& x, const std::vector<double>& centroids, std::size_t k,
                             const SumScales& scales, std::span<std::int32_t> labels, std::span<double> distance2);

// New centroids from global sums: sum / count. Clusters with count 0 keep their old centroid;
// the driver re-seeds them. Returns the total squared shift of the centroids.
double update_centroids(const ClusterSums& global, const SumScales& scales, std::vector<double>& centroids);

}  // namespace custseg::kmeans
