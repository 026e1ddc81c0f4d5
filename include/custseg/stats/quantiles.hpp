#pragma once
// Exact per-segment quantiles across ranks, identical for any number of ranks and threads.
//
// Method: radix selection on order-preserving 64-bit keys of the doubles. Each pass fixes the
// next 8 bits of every wanted order statistic from exact integer bucket counts (two int64
// Allreduces per pass: counts, and each bucket's smallest and largest key), narrowing the value range until the bucket holding the target rank holds
// a single key, i.e. one distinct value (known from the bucket's exact smallest and largest keys,
// which ends the search early; eight passes always suffice). Counts are integers, so the
// answer does not depend on how rows are split.
//
// Convention (numpy's default 'linear', Hyndman & Fan type 7): with the n values of a group sorted
// as x_0 <= ... <= x_{n-1}, h = p (n - 1), the quantile is x_floor(h) + (h - floor(h)) *
// (x_floor(h)+1 - x_floor(h)), evaluated exactly as numpy's lerp does. Both order statistics are
// exact, so the result is exact up to that one interpolation.
#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include "custseg/mpi/communicator.hpp"

namespace custseg::stats {

inline constexpr std::array<double, 5> kProfileProbabilities{0.05, 0.25, 0.50, 0.75, 0.95};
inline constexpr std::array<const char*, 5> kProfileQuantileNames{"p5", "p25", "p50", "p75", "p95"};

// Order-preserving bijection between doubles (no NaN) and unsigned keys: a < b <=> key(a) < key(b)
// (-0.0 sorts just below +0.0).
std::uint64_t order_key(double x);
double from_order_key(std::uint64_t key);

// numpy's linear interpolation between neighbouring order statistics (lerp with its t >= 0.5 branch).
double interpolate_linear(double lower, double upper, double t);

// The 0-based rank pair and weight of quantile p among n sorted values (n >= 1).
struct QuantilePosition {
  std::uint64_t lower = 0, upper = 0;
  double t = 0.0;
};
QuantilePosition quantile_position(std::uint64_t n, double p);

// Quantiles of `values` per group: groups 0..k-1 are the rows labelled 0..k-1, group k is every
// row with a label >= 0 (the population); rows labelled -1 are ignored. Values must be finite.
// Result[g][i] is quantile probabilities[i] of group g; NaN for an empty group.
// Collective: every rank calls it, even with no rows.
std::vector<std::vector<double>> group_quantiles(const mpi::Communicator& comm, std::span<const double> values,
                                                 std::span<const std::int32_t> labels, std::size_t k,
                                                 std::span<const double> probabilities);

}  // namespace custseg::stats
