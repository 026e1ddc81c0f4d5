#pragma once
// The local Lloyd step: assign this rank's rows to their nearest centroid (blocked GEMM kernel,
// blocked_assign.hpp) and return the mergeable sums. TBB over tiles, no MPI (DESIGN.md).
#include <cstdint>
#include <span>
#include <vector>

#include "custseg/data/feature_matrix.hpp"
#include "custseg/kmeans/cluster_sums.hpp"

namespace custseg::kmeans {

// centroids: k * d row-major. Writes each row's label and, when distance2 is not empty, its
// squared distance (direct formula, rounded to float for storage). Sums, counts and inertia are
// exact, so they do not depend on the split of rows into tiles, threads or ranks.
ClusterSums lloyd_local_step(const data::FeatureMatrix& x, const std::vector<double>& centroids, std::size_t k,
                             const SumScales& scales, std::span<std::int32_t> labels, std::span<float> distance2);
// The same with distances kept in double (tests, small inputs).
ClusterSums lloyd_local_step(const data::FeatureMatrix& x, const std::vector<double>& centroids, std::size_t k,
                             const SumScales& scales, std::span<std::int32_t> labels, std::span<double> distance2);

// Squared distance (direct formula) of every local row to the centroid of its label.
void distances_to_labels(const data::FeatureMatrix& x, const std::vector<double>& centroids,
                         std::span<const std::int32_t> labels, std::span<float> distance2);

// Sum over rows of x_j^2 per feature, exact: the scales from the global per-feature maximum
// magnitude, this rank's (or chunk's) partial sums, and the conversion of the global totals. The
// driver sums the partials over chunks and ranks (one collective per fit) for inertia_from_sums.
std::vector<FixedPoint> square_sum_scales(const std::vector<double>& max_abs);
std::vector<Int128> local_square_sums(const data::FeatureMatrix& x, const std::vector<FixedPoint>& scales);
std::vector<double> square_sums_to_double(const std::vector<Int128>& totals, const std::vector<FixedPoint>& scales);

// The inertia of an assignment from its exact sums alone: sum_i |x_i|^2 - 2 sum_c c.S_c +
// sum_c n_c |c|^2. A deterministic function of exact integers and the centroids, so every rank
// and every algorithm gets the same bits, and no pass has to compute per-row distances for it.
// (Cancellation costs about 1e-16 of sum_i |x_i|^2: far below anything reported; the final
// inertia of a fit comes from the direct distances of the final pass.)
double inertia_from_sums(const ClusterSums& global, const SumScales& scales, const std::vector<double>& square_sums,
                         const std::vector<double>& centroids);

// New centroids from global sums: sum / count. Clusters with count 0 keep their old centroid;
// the driver re-seeds them. Returns the total squared shift of the centroids.
double update_centroids(const ClusterSums& global, const SumScales& scales, std::vector<double>& centroids);

}  // namespace custseg::kmeans
