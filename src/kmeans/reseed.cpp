#include "custseg/kmeans/reseed.hpp"

#include <algorithm>
#include <numeric>

namespace custseg::kmeans {

namespace {
struct Far {
  double d2;
  double row;  // global row, exact as a double below 2^53
  std::size_t offset;
};
bool farther(const Far& a, const Far& b) { return a.d2 != b.d2 ? a.d2 > b.d2 : a.row < b.row; }
}  // namespace

std::vector<std::size_t> empty_clusters(const ClusterSums& global) {
  std::vector<std::size_t> empty;
  for (std::size_t c = 0; c < global.k; ++c)
    if (global.counts[c] == 0) empty.push_back(c);
  return empty;
}

std::vector<std::size_t> farthest_rows(std::span<const float> distance2, const GlobalRow& global_row,
                                       std::size_t count) {
  std::vector<std::size_t> order(distance2.size());
  std::iota(order.begin(), order.end(), 0);
  auto local_far = [&](std::size_t i) { return Far{distance2[i], static_cast<double>(global_row(i)), 0}; };
  const std::size_t keep = std::min(count, order.size());
  std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(keep), order.end(),
                    [&](std::size_t a, std::size_t b) { return farther(local_far(a), local_far(b)); });
  order.resize(keep);
  return order;
}

int reseed_from_gathered(const std::vector<double>& all, std::size_t d, const std::vector<std::size_t>& empty,
                         std::vector<double>& centroids) {
  const std::size_t stride = d + 2;
  std::vector<Far> pool;
  for (std::size_t off = 0; off < all.size(); off += stride) pool.push_back(Far{all[off], all[off + 1], off});
  std::sort(pool.begin(), pool.end(), farther);
  for (std::size_t e = 0; e < empty.size() && e < pool.size(); ++e)
    std::copy_n(all.begin() + static_cast<std::ptrdiff_t>(pool[e].offset + 2), d,
                centroids.begin() + static_cast<std::ptrdiff_t>(empty[e] * d));
  return static_cast<int>(empty.size());
}

int reseed_empty_clusters(const mpi::Communicator& comm, const data::FeatureMatrix& x, const ClusterSums& global,
                          std::span<const float> distance2, std::vector<double>& centroids) {
  const std::vector<std::size_t> empty = empty_clusters(global);
  if (empty.empty()) return 0;
  const std::size_t d = x.dims;

  // Local top-m by distance, then the global top-m from everyone's candidates.
  const std::vector<std::size_t> order =
      farthest_rows(distance2, [&](std::size_t i) { return x.global_row(i); }, empty.size());
  std::vector<double> mine;
  for (const std::size_t i : order) {
    mine.push_back(distance2[i]);
    mine.push_back(static_cast<double>(x.global_row(i)));
    data::visit_rows(x, [&](const auto* rows) { mine.insert(mine.end(), rows + i * d, rows + (i + 1) * d); });
  }
  return reseed_from_gathered(comm.allgatherv(mine), d, empty, centroids);
}

}  // namespace custseg::kmeans
