#pragma once
// Exact per-segment quantiles across ranks, identical for any number of ranks and threads.
//
// Method (quantile_selection.hpp): radix selection on order-preserving 64-bit keys of the doubles.
// Each pass is a pure local histogram, one reduction of the histograms (an int64 sum of the
// counts and an int64 max of each bucket's extremes), and the same narrowing decision on every
// rank. Counts are integers, so the answer does not depend on how rows are split.
//
// Convention (numpy's default 'linear', Hyndman & Fan type 7): with the n values of a group sorted
// as x_0 <= ... <= x_{n-1}, h = p (n - 1), the quantile is x_floor(h) + (h - floor(h)) *
// (x_floor(h)+1 - x_floor(h)), evaluated exactly as numpy's lerp does. Both order statistics are
// exact, so the result is exact up to that one interpolation.
#include <cstdint>
#include <span>
#include <vector>

#include "custseg/mpi/communicator.hpp"
#include "custseg/stats/quantile_selection.hpp"

namespace custseg::stats {

// Quantiles of `values` per group: groups 0..k-1 are the rows labelled 0..k-1, group k is every
// row with a label >= 0 (the population); rows labelled -1 are ignored. Values must be finite.
// Result[g][i] is quantile probabilities[i] of group g; NaN for an empty group.
// Collective: every rank calls it, even with no rows.
std::vector<std::vector<double>> group_quantiles(const mpi::Communicator& comm, std::span<const double> values,
                                                 std::span<const std::int32_t> labels, std::size_t k,
                                                 std::span<const double> probabilities);

}  // namespace custseg::stats
