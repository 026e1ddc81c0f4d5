#pragma once
// One feature's profile per segment in original units: moments, exact quantiles, and how each
// segment differs from the population (index and standardized difference).
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "custseg/mpi/communicator.hpp"
#include "custseg/stats/segment_profiles_types.hpp"

namespace custseg::stats {

// Collective: every rank calls it with its rows (labels -1 = dropped rows, ignored).
FeatureProfile profile_feature(const mpi::Communicator& comm, const std::string& name, std::span<const double> values,
                               std::span<const std::int32_t> labels, std::size_t k);

}  // namespace custseg::stats
