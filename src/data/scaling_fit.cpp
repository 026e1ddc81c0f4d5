#include "custseg/data/scaling_fit.hpp"

#include <algorithm>
#include <cmath>

#include "custseg/mpi/exact_sum.hpp"

namespace custseg::data {

ValueRange::ValueRange(std::size_t d) : max_abs(d, 0.0), hi(d, -HUGE_VAL), neg_lo(d, -HUGE_VAL) {}

void ValueRange::add(const FeatureMatrix& m) {
  for (std::size_t i = 0; i < m.rows; ++i)
    for (std::size_t j = 0; j < m.dims; ++j) {
      const double v = m.row(i)[j];
      max_abs[j] = std::max(max_abs[j], std::abs(v));
      hi[j] = std::max(hi[j], v);
      neg_lo[j] = std::max(neg_lo[j], -v);
    }
}

void ValueRange::reduce(const mpi::Communicator& comm) {
  const std::size_t d = max_abs.size();
  std::vector<double> all(max_abs);
  all.insert(all.end(), hi.begin(), hi.end());
  all.insert(all.end(), neg_lo.begin(), neg_lo.end());
  comm.allreduce_max(all);  // every rank, even with zero rows
  std::copy_n(all.begin(), d, max_abs.begin());
  std::copy_n(all.begin() + static_cast<std::ptrdiff_t>(d), d, hi.begin());
  std::copy_n(all.begin() + static_cast<std::ptrdiff_t>(2 * d), d, neg_lo.begin());
}

ExactScalingSums::ExactScalingSums(const ValueRange& range)
    : max_abs_(range.max_abs), hi_(range.hi), neg_lo_(range.neg_lo), scale_(max_abs_.size()),
      squares_(max_abs_.size()), sums_(max_abs_.size(), 0) {
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
    const double tight = std::max(hi_[j] - mean_[j], mean_[j] + neg_lo_[j]);
    squares_[j] = SquareScale::for_bound(deviation_bound(max_abs_[j] + std::abs(mean_[j]), tight));
    sums_[j] = 0;
  }
  return mean_;
}

void ExactScalingSums::add_deviations(const FeatureMatrix& m) {
  for (std::size_t i = 0; i < m.rows; ++i)
    for (std::size_t j = 0; j < m.dims; ++j) {
      sums_[j] += squares_[j].to_fixed(m.row(i)[j] - mean_[j]);
    }
}

std::vector<double> ExactScalingSums::scales(const mpi::Communicator& comm, double n) {
  mpi::allreduce_sum(comm, sums_);
  std::vector<double> out(max_abs_.size());
  for (std::size_t j = 0; j < out.size(); ++j) {
    const double sd = squares_[j].to_std(sums_[j], n);
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

  ValueRange range(d);
  range.add(m);
  range.reduce(comm);
  ExactScalingSums sums(range);
  sums.add_values(m);
  s.mean = sums.means(comm, n);
  sums.add_deviations(m);
  s.scale = sums.scales(comm, n);
  return s;
}

}  // namespace custseg::data
