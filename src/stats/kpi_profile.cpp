#include "custseg/stats/kpi_profile.hpp"

#include <cmath>
#include <limits>
#include <sstream>

#include "custseg/mpi/collective_guard.hpp"
#include "custseg/mpi/exact_sum.hpp"
#include "custseg/util/error.hpp"

namespace custseg::stats {

KpiProfile kpi_profile(const mpi::Communicator& comm, const std::string& name, std::span<const double> values,
                       std::span<const std::int32_t> labels, std::size_t k) {
  const std::size_t groups = k + 1;
  KpiProfile p;
  p.name = name;
  mpi::agree(comm, [&] {
    for (std::size_t i = 0; i < values.size(); ++i)
      if (labels[i] >= 0 && !std::isfinite(values[i])) {
        std::ostringstream msg;
        msg << "KPI column '" << name << "' is " << values[i] << " in a segmented row; KPIs must be finite";
        throw_input(msg.str());
      }
  });
  double max_abs = 0.0;
  std::int64_t not_binary = 0;
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (labels[i] < 0) continue;
    max_abs = std::max(max_abs, std::abs(values[i]));
    if (values[i] != 0.0 && values[i] != 1.0) not_binary = 1;
  }
  const FixedPoint scale = FixedPoint::for_max_abs(comm.max(max_abs));
  p.binary = comm.max(not_binary) == 0;

  p.count.assign(groups, 0);
  std::vector<Int128> sums(groups, 0);
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (labels[i] < 0) continue;
    const auto g = static_cast<std::size_t>(labels[i]);
    sums[g] += scale.to_fixed(values[i]);
    ++p.count[g];
  }
  // The population's sum and count are its segments' (integers: exactly the per-row totals).
  for (std::size_t g = 0; g < k; ++g) {
    sums[k] += sums[g];
    p.count[k] += p.count[g];
  }
  comm.allreduce_sum(p.count);  // all ranks must reach these, even with zero rows
  mpi::allreduce_sum(comm, sums);

  constexpr double nan = std::numeric_limits<double>::quiet_NaN();
  p.sum.resize(groups);
  p.mean.resize(groups);
  for (std::size_t g = 0; g < groups; ++g) {
    p.sum[g] = scale.to_double(sums[g]);
    p.mean[g] = p.count[g] > 0 ? p.sum[g] / static_cast<double>(p.count[g]) : nan;
  }
  p.share.assign(k, nan);
  if (sums[k] != 0)
    for (std::size_t c = 0; c < k; ++c) p.share[c] = static_cast<double>(sums[c]) / static_cast<double>(sums[k]);
  return p;
}

}  // namespace custseg::stats
