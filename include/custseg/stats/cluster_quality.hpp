#pragma once
// Cluster quality metrics, all independent of the number of ranks and threads:
//  - within-cluster sum of squares W (inertia about the exact cluster means),
//  - Calinski-Harabasz  = [B / (k - 1)] / [W / (n - k)], B = sum_c n_c |mean_c - mean|^2,
//  - Davies-Bouldin     = mean over clusters i of max_{j != i} (s_i + s_j) / |mean_i - mean_j|,
//                         s_c = mean distance of cluster c's rows to its mean,
// computed with exact fixed-point sums in the space k-means ran in (scikit-learn's definitions,
// over non-empty clusters); the silhouette coefficient is pure, on a RowSample (sample_metrics.hpp).
#include <cstdint>
#include <span>
#include <vector>

#include "custseg/data/feature_matrix.hpp"
#include "custseg/mpi/communicator.hpp"
#include "custseg/stats/cluster_quality_types.hpp"
#include "custseg/stats/sample_metrics.hpp"  // silhouette and adjusted_rand_index, pure

namespace custseg::data {
class RowSource;
}  // namespace custseg::data

namespace custseg::stats {

// Collective; labels are per local row of the source (all rows assigned). Fills everything but
// the silhouette, in passes over the source's chunks (segment --memory-limit streams them).
ClusterQuality cluster_quality(const mpi::Communicator& comm, data::RowSource& source,
                               std::span<const std::int32_t> labels, std::size_t k);

// The same on rows in memory (a one-chunk source): the same bits.
ClusterQuality cluster_quality(const mpi::Communicator& comm, const data::FeatureMatrix& x,
                               std::span<const std::int32_t> labels, std::size_t k);

}  // namespace custseg::stats
