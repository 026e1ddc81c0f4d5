#include "custseg/kmeans/lloyd_step.hpp"

#include <tbb/blocked_range.h>
#include <tbb/parallel_reduce.h>

#include "custseg/kmeans/assign.hpp"

namespace custseg::kmeans {

ClusterSums lloyd_local_step(const data::FeatureMatrix& x, const std::vector<double>& centroids, std::size_t k,
                             const SumScales& scales, std::span<std::int32_t> labels, std::span<double> distance2) {
  const std::size_t d = x.dims;
  // Integer sums make the reduction tree irrelevant: any TBB split gives identical totals.
  return tbb::parallel_reduce(
      tbb::blocked_range<std::size_t>(0, x.rows, 2048), ClusterSums(k, d),
      [&](const tbb::blocked_range<std::size_t>& range, ClusterSums acc) {
        for (std::size_t i = range.begin(); i != range.end(); ++i) {
          const double* row = x.row(i);
          const Nearest n = nearest_centroid(row, centroids.data(), k, d);
          labels[i] = n.label;
          distance2[i] = n.distance2;
          const auto c = static_cast<std::size_t>(n.label);
          for (std::size_t j = 0; j < d; ++j) acc.sums[c * d + j] += scales.dim[j].to_fixed(row[j]);
          acc.counts[c] += 1;
          acc.inertia += scales.distance.to_fixed(n.distance2);
        }
        return acc;
      },
      [](ClusterSums a, const ClusterSums& b) {
        a.merge(b);
        return a;
      });
}

double update_centroids(const ClusterSums& global, const SumScales& scales, std::vector<double>& centroids) {
  const std::size_t d = global.d;
  double shift = 0.0;
  for (std::size_t c = 0; c < global.k; ++c) {
    if (global.counts[c] == 0) continue;
    const double count = static_cast<double>(global.counts[c]);
    for (std::size_t j = 0; j < d; ++j) {
      const double updated = scales.dim[j].to_double(global.sums[c * d + j]) / count;
      const double diff = updated - centroids[c * d + j];
      shift += diff * diff;
      centroids[c * d + j] = updated;
    }
  }
  return shift;
}

}  // namespace custseg::kmeans
