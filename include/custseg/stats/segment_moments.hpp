#pragma once
// Per-segment moments of one column (mean, std, min, max), computed across ranks with exact
// sums, so the figures are identical for any number of ranks and threads.
#include <cstdint>
#include <span>
#include <vector>

#include "custseg/mpi/communicator.hpp"
#include "custseg/stats/segment_profiles_types.hpp"

namespace custseg::stats {

// values and labels are this rank's rows; rows labelled -1 (dropped) are ignored.
// Collective: every rank calls it, even with no rows. std is the population std (ddof 0).
ColumnMoments segment_moments(const mpi::Communicator& comm, std::span<const double> values,
                              std::span<const std::int32_t> labels, std::size_t k);

}  // namespace custseg::stats
