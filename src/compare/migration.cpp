#include "custseg/compare/migration.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace custseg::compare {

namespace {

// Row order by id bytes; the first id that occurs twice, if any.
std::vector<std::size_t> sorted_order(const PeriodRows& p, std::optional<std::string>& repeated) {
  std::vector<std::size_t> order(p.keys.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return p.keys[a] < p.keys[b]; });
  for (std::size_t i = 1; i < order.size(); ++i)
    if (p.keys[order[i]] == p.keys[order[i - 1]]) {
      // The smallest repeated key, so the message does not depend on how rows arrived.
      if (!repeated || p.keys[order[i]] < *repeated) repeated = p.keys[order[i]];
      break;
    }
  return order;
}

void add_kpis(Tally& t, std::size_t cell, const PeriodRows& p, std::size_t row, const std::vector<FixedPoint>& scales) {
  for (std::size_t m = 0; m < t.kpis; ++m) {
    const double v = p.kpis[row * t.kpis + m];
    if (std::isfinite(v)) t.kpi_sums[cell * t.kpis + m] += scales[m].to_fixed(v);
  }
}

}  // namespace

JoinOutcome join_periods(PeriodRows& previous, PeriodRows& current, std::size_t previous_k, std::size_t current_k,
                         const std::vector<FixedPoint>& scales) {
  JoinOutcome out{Tally(previous_k, current_k, scales.size()), std::nullopt, std::nullopt};
  Tally& t = out.tally;
  const auto a = sorted_order(previous, out.repeated_previous);
  const auto b = sorted_order(current, out.repeated_current);
  if (out.repeated_previous || out.repeated_current) return out;
  const std::size_t lost = current_k, fresh = previous_k;
  std::size_t i = 0, j = 0;
  // A merge of the two sorted id lists: equal ids moved (or stayed), the rest are lost or new.
  while (i < a.size() || j < b.size()) {
    const bool take_a = j == b.size() || (i < a.size() && previous.keys[a[i]] <= current.keys[b[j]]);
    const bool both = take_a && j < b.size() && previous.keys[a[i]] == current.keys[b[j]];
    if (take_a) {
      const std::size_t r = static_cast<std::size_t>(previous.segment[a[i]]);
      const std::size_t c = both ? static_cast<std::size_t>(current.segment[b[j]]) : lost;
      ++t.counts[r * t.cols + c];
      add_kpis(t, r * t.cols + c, previous, a[i], scales);
      ++i;
      if (both) ++j;
    } else {
      const std::size_t c = static_cast<std::size_t>(current.segment[b[j]]);
      ++t.counts[fresh * t.cols + c];
      add_kpis(t, fresh * t.cols + c, current, b[j], scales);
      ++j;
    }
  }
  return out;
}

double adjusted_rand_index(const std::vector<std::int64_t>& counts, std::size_t rows, std::size_t cols) {
  // Pair counts in exact integers: n <= 2^63, so n (n - 1) / 2 fits an Int128.
  const auto pairs = [](Int128 n) { return n * (n - 1) / 2; };
  Int128 n = 0, sum_cells = 0, sum_rows = 0, sum_cols = 0;
  std::vector<Int128> col_totals(cols, 0);
  for (std::size_t r = 0; r < rows; ++r) {
    Int128 row_total = 0;
    for (std::size_t c = 0; c < cols; ++c) {
      const Int128 v = counts[r * (cols + 1) + c];
      sum_cells += pairs(v);
      row_total += v;
      col_totals[c] += v;
    }
    sum_rows += pairs(row_total);
    n += row_total;
  }
  for (const Int128 v : col_totals) sum_cols += pairs(v);
  if (n == 0) return std::numeric_limits<double>::quiet_NaN();
  const long double total = static_cast<long double>(pairs(n));
  const long double expected = static_cast<long double>(sum_rows) * static_cast<long double>(sum_cols) / total;
  const long double maximum = 0.5L * (static_cast<long double>(sum_rows) + static_cast<long double>(sum_cols));
  // Both partitions put every customer in one group, or every customer alone: identical (sklearn: 1).
  if (maximum == expected) return 1.0;
  return static_cast<double>((static_cast<long double>(sum_cells) - expected) / (maximum - expected));
}

double population_stability(const std::vector<std::int64_t>& previous, const std::vector<std::int64_t>& current) {
  const double na = static_cast<double>(std::accumulate(previous.begin(), previous.end(), std::int64_t{0}));
  const double nb = static_cast<double>(std::accumulate(current.begin(), current.end(), std::int64_t{0}));
  if (na == 0 || nb == 0) return std::numeric_limits<double>::quiet_NaN();
  double psi = 0;
  for (std::size_t i = 0; i < previous.size(); ++i) {
    const double a = std::max(static_cast<double>(previous[i]) / na, kPsiEpsilon);
    const double b = std::max(static_cast<double>(current[i]) / nb, kPsiEpsilon);
    psi += (b - a) * std::log(b / a);
  }
  return psi;
}

int psi_bin(double x, const std::vector<double>& edges) {
  return static_cast<int>(std::lower_bound(edges.begin(), edges.end(), x) - edges.begin());
}

std::string psi_reading(double psi) {
  if (!(psi == psi)) return "n/a";
  return psi < 0.1 ? "stable" : psi <= 0.25 ? "moderate" : "major";
}

}  // namespace custseg::compare
