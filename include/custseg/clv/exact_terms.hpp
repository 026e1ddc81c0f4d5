#pragma once
// Exact sums of per-customer log-likelihood terms and gradients (DESIGN.md, "Reproducibility"): the
// local half of a distributed likelihood evaluation, no MPI.
//
// Each term is rounded once onto a fixed grid of 2^-52 and summed in 128-bit integers, so the
// total is the same for any split of the customers over ranks and threads, in any order. The grid
// is fixed rather than taken from the global largest term (util/fixed_point.hpp) so that an
// evaluation needs one collective, not a max followed by a sum. It is fine enough: a term of
// magnitude 1 loses nothing a double holds, and the rounding of the whole sum is at most
// n * 2^-53 (1e-11 for 1e5 customers) against log-likelihoods of order n.
// A term beyond 2^40 in magnitude (or not finite, or one whose evaluation threw) cannot be summed
// exactly at that grid; it is counted instead, and the driver refuses the evaluation on every rank alike. Within the
// parameter box of the fit (clv/fit.hpp) and for data in ordinary units no term comes near it.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <span>
#include <stdexcept>
#include <tuple>
#include <vector>

#include <tbb/blocked_range.h>
#include <tbb/parallel_reduce.h>

#include "custseg/clv/bgnbd.hpp"
#include "custseg/util/fixed_point.hpp"  // Int128

namespace custseg::clv {

inline constexpr int kTermGridExponent = 52;  // grid 2^-52
inline constexpr double kTermBound = 0x1p40;  // largest |term| summed exactly

// value, N gradient components, rows summed, terms out of range: one array, so that the whole
// evaluation is one element-wise Int128 reduction.
template <int N>
struct ExactTerms {
  static constexpr int kSize = N + 3;
  std::array<Int128, kSize> sums{};

  // `count` customers with this very term: the rounded term times count, the same integer as
  // adding it count times (so grouping equal rows keeps every bit of the sum).
  void add(const LogLikTerm<N>& t, std::int64_t count = 1) {
    add_value(sums[0], t.value, count);
    for (std::size_t i = 0; i < N; ++i) add_value(sums[1 + i], t.gradient[i], count);
    sums[N + 1] += count;
  }
  ExactTerms& operator+=(const ExactTerms& o) {
    for (int i = 0; i < kSize; ++i) sums[static_cast<std::size_t>(i)] += o.sums[static_cast<std::size_t>(i)];
    return *this;
  }
  [[nodiscard]] std::int64_t rows() const { return static_cast<std::int64_t>(sums[N + 1]); }
  [[nodiscard]] std::int64_t out_of_range() const { return static_cast<std::int64_t>(sums[N + 2]); }
  [[nodiscard]] double value() const { return to_double(sums[0]); }
  [[nodiscard]] std::array<double, N> gradient() const {
    std::array<double, N> g{};
    for (int i = 0; i < N; ++i) g[static_cast<std::size_t>(i)] = to_double(sums[static_cast<std::size_t>(1 + i)]);
    return g;
  }

 private:
  void add_value(Int128& sum, double v, std::int64_t count) {
    if (!(std::abs(v) <= kTermBound)) {  // also NaN
      sums[N + 2] += count;
      return;
    }
    // ldexp by a power of two is exact; nearbyint is the one rounding; the cast is exact (< 2^93);
    // times a count below 2^34, still far inside 2^127.
    sum += static_cast<Int128>(std::nearbyint(std::ldexp(v, kTermGridExponent))) * count;
  }
  static double to_double(Int128 s) { return std::ldexp(static_cast<double>(s), -kTermGridExponent); }
};

namespace detail {

// term(row), or a NaN term (counted as out of range) when it throws: an exception here would leave
// this rank out of the reduction that the other ranks are already waiting in.
template <int N, class Row, class TermFn>
LogLikTerm<N> guarded_term(const TermFn& term, const Row& row) {
  try {
    return term(row);
  } catch (const std::exception&) {
    return LogLikTerm<N>{std::nan(""), {}};
  }
}

// add_row(acc, i) for i in [0, n) on TBB's threads; integer sums make the result independent of
// how TBB splits the range.
template <int N, class AddRow>
ExactTerms<N> reduce_terms(std::size_t n, std::size_t grain, const AddRow& add_row) {
  return tbb::parallel_reduce(
      tbb::blocked_range<std::size_t>(0, n, grain), ExactTerms<N>{},
      [&](const tbb::blocked_range<std::size_t>& range, ExactTerms<N> acc) {
        for (std::size_t i = range.begin(); i != range.end(); ++i) add_row(acc, i);
        return acc;
      },
      [](ExactTerms<N> a, const ExactTerms<N>& b) { return a += b; });
}

}  // namespace detail

// The exact sum of term(row) over `rows`, on TBB's threads. A term that throws (a special
// function refusing its argument) is counted as out of range instead.
template <int N, class Row, class TermFn>
ExactTerms<N> sum_terms(std::span<const Row> rows, const TermFn& term) {
  return detail::reduce_terms<N>(rows.size(), 1024, [&](ExactTerms<N>& acc, std::size_t i) {
    acc.add(detail::guarded_term<N>(term, rows[i]));
  });
}

// Rows that are equal in every field, once each with their count. Customer tables from purchase
// days repeat their (x, t_x, T) rows often (times are whole days; most customers never come back:
// CDNOW's 23,570 customers have 8,685 distinct rows), and each distinct row's term is then
// evaluated once per likelihood evaluation instead of once per customer.
template <class Row>
struct GroupedRows {
  std::vector<Row> rows;
  std::vector<std::int64_t> counts;
};

// `key(row)` gives a tuple of the fields (compared bit for bit by value; the rows are finite).
template <class Row, class Key>
GroupedRows<Row> group_equal_rows(std::span<const Row> rows, const Key& key) {
  std::vector<Row> sorted(rows.begin(), rows.end());
  std::sort(sorted.begin(), sorted.end(), [&](const Row& a, const Row& b) { return key(a) < key(b); });
  GroupedRows<Row> g;
  for (const Row& row : sorted) {
    if (!g.rows.empty() && key(g.rows.back()) == key(row)) {
      ++g.counts.back();
      continue;
    }
    g.rows.push_back(row);
    g.counts.push_back(1);
  }
  return g;
}

// sum_terms over grouped rows: the same sums as over the rows they came from.
template <int N, class Row, class TermFn>
ExactTerms<N> sum_grouped_terms(const GroupedRows<Row>& grouped, const TermFn& term) {
  return detail::reduce_terms<N>(grouped.rows.size(), 256, [&](ExactTerms<N>& acc, std::size_t i) {
    acc.add(detail::guarded_term<N>(term, grouped.rows[i]), grouped.counts[i]);
  });
}

}  // namespace custseg::clv
