// The pure steps of the empty-cluster re-seeding (reseed.hpp). No MPI.
#include <algorithm>
#include <limits>
#include <numeric>

#include "reseed.hpp"

namespace custseg::kmeans::detail {

namespace {
bool farther(double d2_a, std::uint64_t row_a, double d2_b, std::uint64_t row_b) {
  return d2_a != d2_b ? d2_a > d2_b : row_a < row_b;
}
}  // namespace

std::vector<std::size_t> empty_clusters(const ClusterSums& global) {
  std::vector<std::size_t> empty;
  for (std::size_t c = 0; c < global.k; ++c)
    if (global.counts[c] == 0) empty.push_back(c);
  return empty;
}

void pack_far_row(const FarRow& row, std::vector<double>& out) {
  out.push_back(row.distance2);
  out.push_back(static_cast<double>(row.global_row));
  out.insert(out.end(), row.features.begin(), row.features.end());
}

std::vector<FarRow> unpack_far_rows(const std::vector<double>& packed, std::size_t d) {
  std::vector<FarRow> rows;
  for (std::size_t off = 0; off + d + 2 <= packed.size(); off += d + 2) {
    const auto first = packed.begin() + static_cast<std::ptrdiff_t>(off + 2);
    rows.push_back(FarRow{packed[off], static_cast<std::uint64_t>(packed[off + 1]),
                          std::vector<double>(first, first + static_cast<std::ptrdiff_t>(d))});
  }
  return rows;
}

std::vector<std::size_t> farthest_rows(std::span<const float> distance2, const GlobalRow& global_row,
                                       std::size_t count) {
  std::vector<std::size_t> order(distance2.size());
  std::iota(order.begin(), order.end(), 0);
  const std::size_t keep = std::min(count, order.size());
  std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(keep), order.end(),
                    [&](std::size_t a, std::size_t b) {
                      return farther(distance2[a], global_row(a), distance2[b], global_row(b));
                    });
  order.resize(keep);
  return order;
}

void reseed_from(std::vector<FarRow> pool, const std::vector<std::size_t>& empty, std::vector<double>& centroids) {
  std::sort(pool.begin(), pool.end(), [](const FarRow& a, const FarRow& b) {
    return farther(a.distance2, a.global_row, b.distance2, b.global_row);
  });
  // Duplicate rows among the candidates would put two centroids on one point, and one of them
  // would be empty again next iteration: each point seeds at most one cluster. A cluster left
  // without a candidate stays empty and is re-seeded (or found degenerate) next iteration.
  std::vector<const FarRow*> used;
  std::size_t e = 0;
  for (const FarRow& row : pool) {
    if (e == empty.size()) break;
    const bool repeat = std::any_of(used.begin(), used.end(), [&](const FarRow* u) { return u->features == row.features; });
    if (repeat) continue;
    used.push_back(&row);
    std::copy(row.features.begin(), row.features.end(),
              centroids.begin() + static_cast<std::ptrdiff_t>(empty[e++] * row.features.size()));
  }
}

std::vector<double> empty_cluster_extents(std::size_t k, std::size_t d) {
  return std::vector<double>(2 * k * d, -std::numeric_limits<double>::infinity());
}

void merge_cluster_extents(const data::FeatureMatrix& x, std::span<const std::int32_t> labels,
                           std::vector<double>& extents) {
  const std::size_t d = x.dims, half = extents.size() / 2;
  data::visit_rows(x, [&](const auto* rows) {
    for (std::size_t i = 0; i < x.rows; ++i) {
      const std::size_t base = static_cast<std::size_t>(labels[i]) * d;
      for (std::size_t j = 0; j < d; ++j) {
        const double v = static_cast<double>(rows[i * d + j]);
        extents[base + j] = std::max(extents[base + j], v);
        extents[half + base + j] = std::max(extents[half + base + j], -v);
      }
    }
  });
}

std::vector<std::size_t> one_point_clusters(const std::vector<double>& extents, const ClusterSums& global) {
  const std::size_t d = global.d, half = extents.size() / 2;
  std::vector<std::size_t> live;
  for (std::size_t c = 0; c < global.k; ++c) {
    if (global.counts[c] == 0) continue;
    for (std::size_t j = 0; j < d; ++j)
      if (extents[c * d + j] != -extents[half + c * d + j]) return {};
    live.push_back(c);
  }
  return live;
}

}  // namespace custseg::kmeans::detail
