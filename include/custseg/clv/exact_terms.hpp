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
#include <array>
#include <cmath>
#include <cstdint>
#include <span>
#include <stdexcept>

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

  void add(const LogLikTerm<N>& t) {
    add_value(sums[0], t.value);
    for (std::size_t i = 0; i < N; ++i) add_value(sums[1 + i], t.gradient[i]);
    sums[N + 1] += 1;
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
  void add_value(Int128& sum, double v) {
    if (!(std::abs(v) <= kTermBound)) {  // also NaN
      sums[N + 2] += 1;
      return;
    }
    // ldexp by a power of two is exact; nearbyint is the one rounding; the cast is exact (< 2^93).
    sum += static_cast<Int128>(std::nearbyint(std::ldexp(v, kTermGridExponent)));
  }
  static double to_double(Int128 s) { return std::ldexp(static_cast<double>(s), -kTermGridExponent); }
};

// The exact sum of term(row) over `rows`, on TBB's threads. Integer sums make the result
// independent of how TBB splits the range. A term that throws (a special function refusing its
// argument) is counted as out of range instead: an exception here would leave this rank out of
// the reduction that the other ranks are already waiting in.
template <int N, class Row, class TermFn>
ExactTerms<N> sum_terms(std::span<const Row> rows, const TermFn& term) {
  const auto guarded = [&](const Row& row) {
    try {
      return term(row);
    } catch (const std::exception&) {
      return LogLikTerm<N>{std::nan(""), {}};
    }
  };
  return tbb::parallel_reduce(
      tbb::blocked_range<std::size_t>(0, rows.size(), 1024), ExactTerms<N>{},
      [&](const tbb::blocked_range<std::size_t>& range, ExactTerms<N> acc) {
        for (std::size_t i = range.begin(); i != range.end(); ++i) acc.add(guarded(rows[i]));
        return acc;
      },
      [](ExactTerms<N> a, const ExactTerms<N>& b) { return a += b; });
}

}  // namespace custseg::clv
