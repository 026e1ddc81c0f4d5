#pragma once
// Per-segment KPIs (revenue, churn, ...): sum, mean and share of the total, and the rate for a
// 0/1 column. Sums are exact (fixed point, integer Allreduce), so identical for any rank count.
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "custseg/mpi/communicator.hpp"
#include "custseg/stats/segment_profiles_types.hpp"

namespace custseg::stats {

// Collective. Values of assigned rows (label >= 0) must be finite: an input error otherwise,
// agreed across ranks.
KpiProfile kpi_profile(const mpi::Communicator& comm, const std::string& name, std::span<const double> values,
                       std::span<const std::int32_t> labels, std::size_t k);

}  // namespace custseg::stats
