#pragma once
// Per-segment KPIs (revenue, churn, ...): sum, mean and share of the total, and the rate for a
// 0/1 column. Sums are exact (fixed point, integer Allreduce), so identical for any rank count.
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "custseg/mpi/communicator.hpp"

namespace custseg::stats {

struct KpiProfile {
  std::string name;
  bool binary = false;               // every assigned value is 0 or 1: mean is a rate (e.g. churn rate)
  std::vector<std::int64_t> count;   // [k+1] segments, then the population
  std::vector<double> sum, mean;     // [k+1]
  std::vector<double> share;         // [k] segment sum / population sum; NaN if that sum is 0
};

// Collective. Values of assigned rows (label >= 0) must be finite: an input error otherwise,
// agreed across ranks.
KpiProfile kpi_profile(const mpi::Communicator& comm, const std::string& name, std::span<const double> values,
                       std::span<const std::int32_t> labels, std::size_t k);

}  // namespace custseg::stats
