#pragma once
// Per-segment moments of one column (mean, std, min, max), computed across ranks with exact
// sums, so the figures are identical for any number of ranks and threads.
#include <cstdint>
#include <span>
#include <vector>

#include "custseg/mpi/communicator.hpp"

namespace custseg::stats {

struct ColumnMoments {
  // Index 0..k-1: segments; index k: the whole population of assigned rows.
  std::vector<std::int64_t> count;
  std::vector<double> mean, std, min, max;
};

// values and labels are this rank's rows; rows labelled -1 (dropped) are ignored.
// Collective: every rank calls it, even with no rows. std is the population std (ddof 0).
ColumnMoments segment_moments(const mpi::Communicator& comm, std::span<const double> values,
                              std::span<const std::int32_t> labels, std::size_t k);

}  // namespace custseg::stats
