#include "custseg/data/transform.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "custseg/mpi/exact_sum.hpp"
#include "custseg/util/error.hpp"

namespace custseg::data {

TransformKind parse_transform_kind(const std::string& text) {
  if (text == "none") return TransformKind::none;
  if (text == "log1p") return TransformKind::log1p;
  throw_usage("unknown transform '" + text + "' (expected none or log1p)");
}

std::string to_string(TransformKind kind) { return kind == TransformKind::log1p ? "log1p" : "none"; }

double apply_transform(TransformKind kind, double x) { return kind == TransformKind::log1p ? std::log1p(x) : x; }

namespace {
std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t") - b + 1);
}
}  // namespace

std::vector<TransformKind> parse_transform_list(const std::string& text, const std::vector<std::string>& features) {
  std::vector<TransformKind> kinds(features.size(), TransformKind::none);
  std::stringstream stream(text);
  std::string item;
  while (std::getline(stream, item, ',')) {
    item = trim(item);
    if (item.empty()) continue;
    const auto colon = item.find(':');
    if (colon == std::string::npos) throw_usage("transform entry '" + item + "' must be NAME:KIND, e.g. monetary:log1p");
    const std::string name = trim(item.substr(0, colon));
    const auto it = std::find(features.begin(), features.end(), name);
    if (it == features.end()) throw_usage("transform names '" + name + "', which is not a selected feature");
    kinds[static_cast<std::size_t>(it - features.begin())] = parse_transform_kind(trim(item.substr(colon + 1)));
  }
  return kinds;
}

void apply_transforms(const std::vector<TransformKind>& kinds, FeatureMatrix& m) {
  for (std::size_t j = 0; j < m.dims; ++j) {
    if (kinds[j] == TransformKind::none) continue;
    for (std::size_t i = 0; i < m.rows; ++i) m.row(i)[j] = apply_transform(kinds[j], m.row(i)[j]);
  }
}

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

void standardize(const FeatureScaling& s, FeatureMatrix& m) {
  for (std::size_t i = 0; i < m.rows; ++i)
    for (std::size_t j = 0; j < m.dims; ++j) m.row(i)[j] = (m.row(i)[j] - s.mean[j]) / s.scale[j];
}

std::vector<double> to_original_units(const FeatureScaling& s, const std::vector<double>& p) {
  std::vector<double> out(p.size());
  for (std::size_t j = 0; j < p.size(); ++j) {
    const double f = p[j] * s.scale[j] + s.mean[j];
    out[j] = s.kinds[j] == TransformKind::log1p ? std::expm1(f) : f;
  }
  return out;
}

std::vector<double> to_scaled_units(const FeatureScaling& s, const std::vector<double>& p) {
  std::vector<double> out(p.size());
  for (std::size_t j = 0; j < p.size(); ++j) out[j] = (apply_transform(s.kinds[j], p[j]) - s.mean[j]) / s.scale[j];
  return out;
}

}  // namespace custseg::data
