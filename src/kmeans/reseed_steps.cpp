// The pure steps of the empty-cluster re-seeding (reseed.hpp). No MPI.
#include <algorithm>
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
  for (std::size_t e = 0; e < empty.size() && e < pool.size(); ++e)
    std::copy(pool[e].features.begin(), pool[e].features.end(),
              centroids.begin() + static_cast<std::ptrdiff_t>(empty[e] * pool[e].features.size()));
}

}  // namespace custseg::kmeans::detail
