#include "custseg/stats/sample_metrics.hpp"

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

namespace custseg::stats {

namespace {
constexpr double kNan = std::numeric_limits<double>::quiet_NaN();
using detail::distance2;
}  // namespace

double silhouette(std::span<const double> values, std::size_t d, std::span<const std::int32_t> labels, std::size_t k) {
  const std::size_t m = labels.size();
  std::vector<std::size_t> size(k, 0);
  for (auto l : labels) ++size[static_cast<std::size_t>(l)];
  std::size_t present = 0;
  for (auto s : size) present += s > 0;
  if (m == 0 || present < 2) return kNan;
  std::vector<double> score(m, 0.0);
  // Rows are independent; each row's sums run in a fixed order, so threads do not change results.
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, m, 16), [&](const auto& range) {
    std::vector<double> dist_sum(k);
    for (std::size_t i = range.begin(); i != range.end(); ++i) {
      std::fill(dist_sum.begin(), dist_sum.end(), 0.0);
      for (std::size_t r = 0; r < m; ++r)
        dist_sum[static_cast<std::size_t>(labels[r])] += std::sqrt(distance2(&values[i * d], &values[r * d], d));
      const auto own = static_cast<std::size_t>(labels[i]);
      if (size[own] < 2) continue;  // a singleton scores 0
      const double a = dist_sum[own] / static_cast<double>(size[own] - 1);
      double b = std::numeric_limits<double>::infinity();
      for (std::size_t c = 0; c < k; ++c)
        if (c != own && size[c] > 0) b = std::min(b, dist_sum[c] / static_cast<double>(size[c]));
      const double denom = std::max(a, b);
      score[i] = denom > 0 ? (b - a) / denom : 0.0;
    }
  });
  double total = 0.0;
  for (double s : score) total += s;
  return total / static_cast<double>(m);
}

double adjusted_rand_index(std::span<const std::int32_t> a, std::span<const std::int32_t> b) {
  const std::size_t n = a.size();
  if (n < 2) return 1.0;
  std::map<std::pair<std::int32_t, std::int32_t>, double> table;
  std::map<std::int32_t, double> rows, cols;
  for (std::size_t i = 0; i < n; ++i) {
    table[{a[i], b[i]}] += 1;
    rows[a[i]] += 1;
    cols[b[i]] += 1;
  }
  auto pairs = [](double x) { return x * (x - 1) / 2; };
  double index = 0, sum_rows = 0, sum_cols = 0;
  for (const auto& [key, v] : table) index += pairs(v);
  for (const auto& [key, v] : rows) sum_rows += pairs(v);
  for (const auto& [key, v] : cols) sum_cols += pairs(v);
  const double expected = sum_rows * sum_cols / pairs(static_cast<double>(n));
  const double maximum = (sum_rows + sum_cols) / 2;
  if (maximum == expected) return 1.0;  // both labelings trivial (one cluster, or all singletons)
  return (index - expected) / (maximum - expected);
}

}  // namespace custseg::stats
