#include "custseg/compare/migration.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace custseg::compare {

namespace {

// Sort entries: the id's first 8 bytes as an integer (a numeric id is exactly its 8 bytes), then
// the row. Sorting these and comparing whole strings only on equal prefixes keeps the join
// cache-friendly: an indirect sort over std::string keys took half of compare's time.
struct Entry {
  std::uint64_t prefix = 0;
  std::uint32_t row = 0;
};

std::uint64_t prefix_of(const std::string& key) {
  std::uint64_t p = 0;
  for (std::size_t b = 0; b < 8; ++b) p = (p << 8) | (b < key.size() ? static_cast<unsigned char>(key[b]) : 0u);
  return p;
}

// The one order both periods are sorted and merged by: prefix, then the whole id.
int compare_ids(const PeriodRows& p, const Entry& x, const PeriodRows& q, const Entry& y) {
  if (x.prefix != y.prefix) return x.prefix < y.prefix ? -1 : 1;
  return p.keys[x.row].compare(q.keys[y.row]);
}

// Rows in id order; the smallest id that occurs twice, if any.
std::vector<Entry> sorted_order(const PeriodRows& p, std::optional<std::string>& repeated) {
  std::vector<Entry> order(p.keys.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = {prefix_of(p.keys[i]), static_cast<std::uint32_t>(i)};
  std::sort(order.begin(), order.end(), [&](const Entry& a, const Entry& b) { return compare_ids(p, a, p, b) < 0; });
  for (std::size_t i = 1; i < order.size(); ++i)
    if (compare_ids(p, order[i], p, order[i - 1]) == 0) {
      repeated = p.keys[order[i].row];
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

bool id_less(const std::string& a, const std::string& b) {
  const std::uint64_t pa = prefix_of(a), pb = prefix_of(b);
  return pa != pb ? pa < pb : a < b;
}

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
    const int order = i == a.size() ? 1 : j == b.size() ? -1 : compare_ids(previous, a[i], current, b[j]);
    if (order <= 0) {
      const std::size_t r = static_cast<std::size_t>(previous.segment[a[i].row]);
      const std::size_t c = order == 0 ? static_cast<std::size_t>(current.segment[b[j].row]) : lost;
      ++t.counts[r * t.cols + c];
      add_kpis(t, r * t.cols + c, previous, a[i].row, scales);
      ++i;
      if (order == 0) ++j;
    } else {
      const std::size_t c = static_cast<std::size_t>(current.segment[b[j].row]);
      ++t.counts[fresh * t.cols + c];
      add_kpis(t, fresh * t.cols + c, current, b[j].row, scales);
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
  if (n == 0) return std::numeric_limits<double>::quiet_NaN();  // no customer in both: undefined (null)
  // scikit-learn's special case (adjusted_rand_score): no pair split by one run and joined by the
  // other, i.e. the pair partitions agree (one customer, everyone in one segment in both, everyone
  // alone in both); there the formula below is 0/0 and sklearn answers 1.
  if (sum_rows == sum_cells && sum_cols == sum_cells) return 1.0;
  const long double total = static_cast<long double>(pairs(n));
  const long double expected = static_cast<long double>(sum_rows) * static_cast<long double>(sum_cols) / total;
  const long double maximum = 0.5L * (static_cast<long double>(sum_rows) + static_cast<long double>(sum_cols));
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
