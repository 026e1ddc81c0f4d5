#include "custseg/stats/segment_moments.hpp"

#include <cmath>
#include <limits>

#include "custseg/mpi/exact_sum.hpp"

namespace custseg::stats {

ColumnMoments segment_moments(const mpi::Communicator& comm, std::span<const double> values,
                              std::span<const std::int32_t> labels, std::size_t k) {
  const std::size_t groups = k + 1;  // segments, then the population
  ColumnMoments m;
  m.count.assign(groups, 0);
  m.mean.assign(groups, 0.0);
  m.std.assign(groups, 0.0);
  m.min.assign(groups, std::numeric_limits<double>::infinity());
  m.max.assign(groups, -std::numeric_limits<double>::infinity());

  double max_abs = 0.0;
  for (std::size_t i = 0; i < values.size(); ++i)
    if (labels[i] >= 0) max_abs = std::max(max_abs, std::abs(values[i]));
  const double global_max = comm.max(max_abs);
  const FixedPoint scale = FixedPoint::for_max_abs(global_max);

  std::vector<Int128> sums(groups, 0);
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (labels[i] < 0) continue;
    const auto g = static_cast<std::size_t>(labels[i]);
    sums[g] += scale.to_fixed(values[i]);
    m.count[g] += 1;
    m.min[g] = std::min(m.min[g], values[i]);
    m.max[g] = std::max(m.max[g], values[i]);
  }
  // The population's sum and count are its segments' (integers: exactly the per-row totals).
  for (std::size_t g = 0; g < k; ++g) {
    sums[k] += sums[g];
    m.count[k] += m.count[g];
  }
  comm.allreduce_sum(m.count);
  mpi::allreduce_sum(comm, sums);
  comm.allreduce_min(m.min);
  comm.allreduce_max(m.max);
  for (std::size_t g = 0; g < k; ++g) {
    m.min[k] = std::min(m.min[k], m.min[g]);
    m.max[k] = std::max(m.max[k], m.max[g]);
  }
  for (std::size_t g = 0; g < groups; ++g)
    m.mean[g] = m.count[g] > 0 ? scale.to_double(sums[g]) / static_cast<double>(m.count[g])
                               : std::numeric_limits<double>::quiet_NaN();

  // Second exact pass: squared deviations from each group's mean (no cancellation). Every mean
  // lies within [min, max] of the population, so no deviation exceeds max - min (deviation_bound
  // keeps the old 2 max_abs unless that loses the spread of offset data).
  const SquareScale sq_scale = SquareScale::for_bound(deviation_bound(2.0 * global_max, m.max[k] - m.min[k]));
  std::fill(sums.begin(), sums.end(), Int128{0});
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (labels[i] < 0) continue;
    const auto g = static_cast<std::size_t>(labels[i]);
    sums[g] += sq_scale.to_fixed(values[i] - m.mean[g]);
    sums[k] += sq_scale.to_fixed(values[i] - m.mean[k]);
  }
  mpi::allreduce_sum(comm, sums);
  for (std::size_t g = 0; g < groups; ++g) {
    if (m.count[g] == 0) {
      m.std[g] = m.min[g] = m.max[g] = std::numeric_limits<double>::quiet_NaN();
      continue;
    }
    m.std[g] = sq_scale.to_std(sums[g], static_cast<double>(m.count[g]));
  }
  return m;
}

}  // namespace custseg::stats
