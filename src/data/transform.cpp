#include "custseg/data/transform.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "custseg/util/error.hpp"

namespace custseg::data {

TransformKind parse_transform_kind(const std::string& text) {
  if (text == "none") return TransformKind::none;
  if (text == "log1p") return TransformKind::log1p;
  throw_usage("unknown transform '" + text + "' (expected none or log1p)");
}

std::string to_string(TransformKind kind) { return kind == TransformKind::log1p ? "log1p" : "none"; }


namespace {
std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t") - b + 1);
}
}  // namespace

std::vector<TransformKind> parse_transform_list(const std::string& text, const std::vector<std::string>& features) {
  // One KIND alone applies to every feature: `--transform none` overrides a config file's list
  // written for another table's columns (the Slurm templates read configs/segment.ini).
  const std::string whole = trim(text);
  if (whole == "none" || whole == "log1p") return std::vector<TransformKind>(features.size(), parse_transform_kind(whole));
  std::vector<TransformKind> kinds(features.size(), TransformKind::none);
  std::stringstream stream(text);
  std::string item;
  while (std::getline(stream, item, ',')) {
    item = trim(item);
    if (item.empty()) continue;
    const auto colon = item.find(':');
    if (colon == std::string::npos)
      throw_usage("transform entry '" + item + "' must be NAME:KIND, e.g. monetary:log1p (or the whole --transform "
                  "one KIND for every feature: none or log1p)");
    const std::string name = trim(item.substr(0, colon));
    const auto it = std::find(features.begin(), features.end(), name);
    if (it == features.end())
      throw_usage("transform names '" + name + "', which is not a selected feature (a --config file written for "
                  "another table? give --transform for this table's features, or --transform none)");
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

void standardize(const FeatureScaling& s, FeatureMatrix& m) {
  for (std::size_t i = 0; i < m.rows; ++i)
    for (std::size_t j = 0; j < m.dims; ++j) m.row(i)[j] = (m.row(i)[j] - s.mean[j]) / s.scale[j];
}

std::string unusable_value_message(const std::string& feature, double raw, TransformKind kind, double transformed,
                                   std::uint64_t row) {
  std::ostringstream msg;
  msg << "feature '" << feature << "' is " << raw << " at row " << row;
  if (std::isfinite(raw) && std::abs(raw) > kMaxFeatureMagnitude) {
    msg << " (0-based position in the table): magnitudes above " << kMaxFeatureMagnitude
        << " are refused because their squares overflow double precision (a sentinel for a missing value? store it "
           "as NaN)";
  } else if (kind != TransformKind::none && std::isfinite(raw) && !std::isfinite(transformed)) {
    msg << " (" << to_string(kind) << " of it is not finite)";
  }
  return msg.str();
}

void check_kmeans_range(const FeatureMatrix& m, const std::vector<std::string>& names, Precision precision) {
  if (precision != Precision::float32) return;
  for (std::size_t i = 0; i < m.rows; ++i)
    for (std::size_t j = 0; j < m.dims; ++j) {
      const double v = m.row(i)[j];
      if (std::abs(v) <= kMaxFloat32KMeansMagnitude) continue;
      std::ostringstream msg;
      msg << "feature '" << names[j] << "' reaches " << v << " (row " << m.global_row(i)
          << ") in the space k-means runs in, beyond the " << kMaxFloat32KMeansMagnitude
          << " that float32 storage holds safely; use --precision float64 or --standardize true";
      throw_input(msg.str());
    }
}

double center_only(FeatureScaling& scaling) {
  // Without standardization k-means still runs on centred values, (f(x) - mean) / 1: squared
  // distances do not change (k-means is translation-invariant), but a large common offset
  // (timestamps near 1.7e9, account numbers) no longer eats the float32 storage's 24 bits or the
  // fixed-point sums' range, which then resolve the spread instead of the offset. tol stays
  // relative to the features' variance.
  double total = 0.0;
  for (double s : scaling.scale) total += s * s;
  std::fill(scaling.scale.begin(), scaling.scale.end(), 1.0);
  return total / static_cast<double>(std::max<std::size_t>(1, scaling.scale.size()));
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
