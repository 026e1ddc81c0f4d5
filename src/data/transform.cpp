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
