#include "custseg/data/scaling_fit.hpp"

#include <algorithm>
#include <cmath>

#include "custseg/mpi/exact_sum.hpp"

namespace custseg::data {

ExactScalingSums::ExactScalingSums(std::vector<double> max_abs)
    : max_abs_(std::move(max_abs)), scale_(max_abs_.size()), sums_(max_abs_.size(), 0) {
  for (std::size_t j = 0; j < max_abs_.size(); ++j) scale_[j] = FixedPoint::for_max_abs(max_abs_[j]);
}

void ExactScalingSums::add_values(const FeatureMatrix& m) {
  for (std::size_t i = 0; i < m.rows; ++i)
    for (std::size_t j = 0; j < m.dims; ++j) sums_[j] += scale_[j].to_fixed(m.row(i)[j]);
}

std::vector<double> ExactScalingSums::means(const mpi::Communicator& comm, double n) {
  mpi::allreduce_sum(comm, sums_);
  const std::size_t d = max_abs_.size();
  mean_.assign(d, 0.0);
  for (std::size_t j = 0; j < d; ++j) mean_[j] = scale_[j].to_double(sums_[j]) / n;
  // From here on the sums are of squared deviations, whose bound follows from the mean.
  for (std::size_t j = 0; j < d; ++j) {
    const double bound = max_abs_[j] + std::abs(mean_[j]);
    scale_[j] = FixedPoint::for_max_abs(bound * bound);
    sums_[j] = 0;
  }
  return mean_;
}

void ExactScalingSums::add_deviations(const FeatureMatrix& m) {
  for (std::size_t i = 0; i < m.rows; ++i)
    for (std::size_t j = 0; j < m.dims; ++j) {
      const double dev = m.row(i)[j] - mean_[j];
      sums_[j] += scale_[j].to_fixed(dev * dev);
    }
}

std::vector<double> ExactScalingSums::scales(const mpi::Communicator& comm, double n) {
  mpi::allreduce_sum(comm, sums_);
  std::vector<double> out(max_abs_.size());
  for (std::size_t j = 0; j < out.size(); ++j) {
    const double sd = std::sqrt(scale_[j].to_double(sums_[j]) / n);
    out[j] = sd > 0.0 ? sd : 1.0;  // a constant feature stays constant (0) instead of NaN
  }
  return out;
}

FeatureScaling fit_scaling(const mpi::Communicator& comm, const FeatureMatrix& m, std::vector<std::string> names,
                           std::vector<TransformKind> kinds) {
  const std::size_t d = m.dims;
  FeatureScaling s{std::move(names), std::move(kinds), std::vector<double>(d, 0.0), std::vector<double>(d, 1.0)};
  const auto n = static_cast<double>(comm.sum(static_cast<std::uint64_t>(m.rows)));
  if (n == 0) return s;

  std::vector<double> max_abs(d, 0.0);
  for (std::size_t i = 0; i < m.rows; ++i)
    for (std::size_t j = 0; j < d; ++j) max_abs[j] = std::max(max_abs[j], std::abs(m.row(i)[j]));
  comm.allreduce_max(max_abs);
  ExactScalingSums sums(std::move(max_abs));
  sums.add_values(m);
  s.mean = sums.means(comm, n);
  sums.add_deviations(m);
  s.scale = sums.scales(comm, n);
  return s;
}

}  // namespace custseg::data
