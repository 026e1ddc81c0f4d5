#include "custseg/kmeans/lloyd_step.hpp"

#include <algorithm>
#include <cmath>

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/parallel_reduce.h>

#include "custseg/kmeans/assign.hpp"
#include "custseg/kmeans/blocked_assign.hpp"
#include "custseg/kmeans/chunk_accumulator.hpp"

namespace custseg::kmeans {

namespace {

template <class T, class D>
ClusterSums lloyd_rows(const T* rows, std::size_t n, std::size_t d, const std::vector<double>& centroids,
                       std::size_t k, const SumScales& scales, std::span<std::int32_t> labels,
                       std::span<D> distance2) {
  const CentroidPanel<T> panel(centroids, k, d);
  // Integer sums make the reduction tree irrelevant: any TBB split gives identical totals.
  return tbb::parallel_reduce(
      tbb::blocked_range<std::size_t>(0, n, kLloydTaskRows), ClusterSums(k, d),
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
    return lloyd_rows(rows, x.rows, x.dims, centroids, k, scales, labels, distance2);
  });
}

ClusterSums lloyd_local_step(const data::FeatureMatrix& x, const std::vector<double>& centroids, std::size_t k,
                             const SumScales& scales, std::span<std::int32_t> labels, std::span<double> distance2) {
  return data::visit_rows(x, [&](const auto* rows) {
    return lloyd_rows(rows, x.rows, x.dims, centroids, k, scales, labels, distance2);
  });
}

void distances_to_labels(const data::FeatureMatrix& x, const std::vector<double>& centroids,
                         std::span<const std::int32_t> labels, std::span<float> distance2) {
  const std::size_t d = x.dims;
  data::visit_rows(x, [&](const auto* rows) {
    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, x.rows, kLloydTaskRows), [&](const tbb::blocked_range<std::size_t>& r) {
      for (std::size_t i = r.begin(); i != r.end(); ++i)
        distance2[i] = static_cast<float>(
            squared_distance(rows + i * d, centroids.data() + static_cast<std::size_t>(labels[i]) * d, d));
    });
  });
}

std::vector<FixedPoint> square_sum_scales(const std::vector<double>& max_abs) {
  std::vector<FixedPoint> scales;
  for (double m : max_abs) scales.push_back(FixedPoint::for_max_abs(m * m * std::ldexp(1.0, kHeadroomBits)));
  return scales;
}

// Values of x_j^2 truncated to int64 at the scale (a pure function of the row, like
// ChunkAccumulator's), folded into Int128 every kChunkRows rows.
std::vector<Int128> local_square_sums(const data::FeatureMatrix& x, const std::vector<FixedPoint>& scales) {
  const std::size_t d = x.dims;
  std::vector<double> multiplier;
  for (const FixedPoint& s : scales) multiplier.push_back(std::ldexp(1.0, s.exponent()));
  return data::visit_rows(x, [&](const auto* rows) {
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
}

std::vector<double> square_sums_to_double(const std::vector<Int128>& totals, const std::vector<FixedPoint>& scales) {
  std::vector<double> out(totals.size());
  for (std::size_t j = 0; j < totals.size(); ++j) out[j] = scales[j].to_double(totals[j]);
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
