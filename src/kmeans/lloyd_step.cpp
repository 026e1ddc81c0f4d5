#include "custseg/kmeans/lloyd_step.hpp"

#include <algorithm>
#include <cmath>
#include <functional>

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/parallel_reduce.h>

#include "custseg/kmeans/assign.hpp"
#include "custseg/kmeans/blocked_assign.hpp"
#include "custseg/kmeans/chunk_accumulator.hpp"

namespace custseg::kmeans {

namespace {

// Rows per TBB task: a multiple of the GEMM tile, large enough that the per-task copy of the
// k x d accumulators is negligible.
constexpr std::size_t kTaskRows = 8 * kTileRows;

template <class T, class D>
ClusterSums lloyd_pass(const T* rows, std::size_t n, std::size_t d, const std::vector<double>& centroids,
                       std::size_t k, const SumScales& scales, std::span<std::int32_t> labels,
                       std::span<D> distance2) {
  const CentroidPanel<T> panel(centroids, k, d);
  // Integer sums make the reduction tree irrelevant: any TBB split gives identical totals.
  return tbb::parallel_reduce(
      tbb::blocked_range<std::size_t>(0, n, kTaskRows), ClusterSums(k, d),
      [&](const tbb::blocked_range<std::size_t>& range, ClusterSums acc) {
        TileWorkspace<T> ws;
        double d2[kTileRows];
        // Without distances to store, the direct formula is skipped too (and the inertia left
        // to inertia_from_sums): the pass then only streams the rows once.
        const bool with_distances = !distance2.empty();
        {
          ChunkAccumulator<T> chunk(scales, acc);
          for (std::size_t b = range.begin(); b < range.end(); b += kTileRows) {
            const std::size_t m = std::min(kTileRows, range.end() - b);
            assign_tile(rows + b * d, m, panel, ws, labels.data() + b, with_distances ? d2 : nullptr, nullptr);
            for (std::size_t i = 0; i < m; ++i) chunk.add_row(rows + (b + i) * d, static_cast<std::size_t>(labels[b + i]));
            if (with_distances)
              for (std::size_t i = 0; i < m; ++i) {
                chunk.add_distance(d2[i]);
                distance2[b + i] = static_cast<D>(d2[i]);
              }
          }
        }  // the accumulator folds into acc here
        return acc;
      },
      [](ClusterSums a, const ClusterSums& b) {
        a.merge(b);
        return a;
      });
}

}  // namespace

ClusterSums lloyd_local_step(const data::FeatureMatrix& x, const std::vector<double>& centroids, std::size_t k,
                             const SumScales& scales, std::span<std::int32_t> labels, std::span<float> distance2) {
  return data::visit_rows(x, [&](const auto* rows) {
    return lloyd_pass(rows, x.rows, x.dims, centroids, k, scales, labels, distance2);
  });
}

ClusterSums lloyd_local_step(const data::FeatureMatrix& x, const std::vector<double>& centroids, std::size_t k,
                             const SumScales& scales, std::span<std::int32_t> labels, std::span<double> distance2) {
  return data::visit_rows(x, [&](const auto* rows) {
    return lloyd_pass(rows, x.rows, x.dims, centroids, k, scales, labels, distance2);
  });
}

void distances_to_labels(const data::FeatureMatrix& x, const std::vector<double>& centroids,
                         std::span<const std::int32_t> labels, std::span<float> distance2) {
  const std::size_t d = x.dims;
  data::visit_rows(x, [&](const auto* rows) {
    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, x.rows, 4096), [&](const tbb::blocked_range<std::size_t>& r) {
      for (std::size_t i = r.begin(); i != r.end(); ++i)
        distance2[i] = static_cast<float>(
            squared_distance(rows + i * d, centroids.data() + static_cast<std::size_t>(labels[i]) * d, d));
    });
  });
}

std::vector<double> global_square_sums(const data::FeatureMatrix& x, const std::vector<double>& max_abs,
                                       const std::function<void(std::span<Int128>)>& allreduce) {
  const std::size_t d = x.dims;
  std::vector<FixedPoint> scale;
  std::vector<double> multiplier;
  for (double m : max_abs) {
    scale.push_back(FixedPoint::for_max_abs(m * m * std::ldexp(1.0, kHeadroomBits)));
    multiplier.push_back(std::ldexp(1.0, scale.back().exponent()));
  }
  std::vector<Int128> total = data::visit_rows(x, [&](const auto* rows) {
    return tbb::parallel_reduce(
        tbb::blocked_range<std::size_t>(0, x.rows, kChunkRows), std::vector<Int128>(d, 0),
        [&](const tbb::blocked_range<std::size_t>& r, std::vector<Int128> acc) {
          std::vector<std::int64_t> chunk(d, 0);
          for (std::size_t b = r.begin(); b < r.end(); b += kChunkRows) {
            const std::size_t e = std::min(r.end(), b + kChunkRows);
            for (std::size_t i = b; i < e; ++i)
              for (std::size_t j = 0; j < d; ++j) {
                const double v = static_cast<double>(rows[i * d + j]);
                chunk[j] += static_cast<std::int64_t>(v * v * multiplier[j]);
              }
            for (std::size_t j = 0; j < d; ++j) { acc[j] += chunk[j]; chunk[j] = 0; }
          }
          return acc;
        },
        [](std::vector<Int128> a, const std::vector<Int128>& b) {
          for (std::size_t j = 0; j < a.size(); ++j) a[j] += b[j];
          return a;
        });
  });
  allreduce(total);
  std::vector<double> out(d);
  for (std::size_t j = 0; j < d; ++j) out[j] = scale[j].to_double(total[j]);
  return out;
}

double inertia_from_sums(const ClusterSums& global, const SumScales& scales, const std::vector<double>& square_sums,
                         const std::vector<double>& centroids) {
  const std::size_t d = global.d;
  double total = 0.0;
  for (double s : square_sums) total += s;
  for (std::size_t c = 0; c < global.k; ++c) {
    if (global.counts[c] == 0) continue;
    double dot = 0.0, norm2 = 0.0;
    for (std::size_t j = 0; j < d; ++j) {
      dot += centroids[c * d + j] * scales.dim[j].to_double(global.sums[c * d + j]);
      norm2 += centroids[c * d + j] * centroids[c * d + j];
    }
    total += static_cast<double>(global.counts[c]) * norm2 - 2.0 * dot;
  }
  return std::max(0.0, total);
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
