#pragma once
// The local step of the fairness audit (fairness.hpp), without MPI: this rank's customers per
// (segment, group) and per group, as integers, so the reduced tally is exact for any rank count.
#include <cstdint>
#include <span>
#include <vector>

#include "custseg/stats/segment_profiles_types.hpp"

namespace custseg::stats {

// [(k + 1) * groups]: customers of group g in segment c at c * groups + g, then the population
// (every segment) at k * groups + g. Rows with label -1 or group code -1 are not counted.
std::vector<std::int64_t> tally_groups(std::span<const std::int32_t> group_codes, std::span<const std::int32_t> labels,
                                       std::size_t k, std::size_t groups);

// Fills counts and population from a tally merged over all ranks, then finish_audit.
void audit_from_tally(FairnessAudit& audit, const std::vector<std::int64_t>& tally, std::size_t k);

}  // namespace custseg::stats
