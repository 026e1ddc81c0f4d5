#pragma once
// Cluster quality metrics, all independent of the number of ranks and threads:
//  - within-cluster sum of squares W (inertia about the exact cluster means),
//  - Calinski-Harabasz  = [B / (k - 1)] / [W / (n - k)], B = sum_c n_c |mean_c - mean|^2,
//  - Davies-Bouldin     = mean over clusters i of max_{j != i} (s_i + s_j) / |mean_i - mean_j|,
//                         s_c = mean distance of cluster c's rows to its mean,
// computed with exact fixed-point sums in the space k-means ran in (scikit-learn's definitions,
// over non-empty clusters); and the silhouette coefficient (pure, on a RowSample).
#include <cstdint>
#include <span>
#include <vector>

#include "custseg/data/feature_matrix.hpp"
#include "custseg/mpi/communicator.hpp"

namespace custseg::data {
class RowSource;
}  // namespace custseg::data

namespace custseg::stats {

struct ClusterQuality {
  double within_ss = 0.0;
  double between_ss = 0.0;
  double calinski_harabasz = 0.0;  // NaN when fewer than 2 non-empty clusters or n <= clusters
  double davies_bouldin = 0.0;     // NaN when fewer than 2 non-empty clusters
  double silhouette = 0.0;         // NaN when not computed (empty sample or one cluster in it)
  std::uint64_t silhouette_sample = 0;
};

// Collective; labels are per local row of the source (all rows assigned). Fills everything but
// the silhouette, in passes over the source's chunks (segment --memory-limit streams them).
ClusterQuality cluster_quality(const mpi::Communicator& comm, data::RowSource& source,
                               std::span<const std::int32_t> labels, std::size_t k);

// The same on rows in memory (a one-chunk source): the same bits.
ClusterQuality cluster_quality(const mpi::Communicator& comm, const data::FeatureMatrix& x,
                               std::span<const std::int32_t> labels, std::size_t k);

// Mean silhouette of the sample rows (values: m x d, row-major), Euclidean distance; a row alone in
// its cluster scores 0 (scikit-learn). Pure and deterministic: fixed summation order.
double silhouette(std::span<const double> values, std::size_t dims, std::span<const std::int32_t> labels,
                  std::size_t k);

// Adjusted Rand index of two labelings of the same rows (Hubert & Arabie 1985); 1 when identical up
// to renaming; 1 when both put everything in one cluster.
double adjusted_rand_index(std::span<const std::int32_t> a, std::span<const std::int32_t> b);

}  // namespace custseg::stats
