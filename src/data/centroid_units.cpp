#include "custseg/data/centroid_units.hpp"

#include <cstddef>

namespace custseg::data {

namespace {

template <class Convert>
std::vector<double> convert_rows(const FeatureScaling& s, const std::vector<double>& in, Convert convert) {
  const std::size_t d = s.names.size();
  std::vector<double> out;
  out.reserve(in.size());
  for (std::size_t begin = 0; d > 0 && begin + d <= in.size(); begin += d) {
    const std::vector<double> point(in.begin() + static_cast<std::ptrdiff_t>(begin),
                                    in.begin() + static_cast<std::ptrdiff_t>(begin + d));
    const auto converted = convert(s, point);
    out.insert(out.end(), converted.begin(), converted.end());
  }
  return out;
}

}  // namespace

std::vector<double> centroids_to_original_units(const FeatureScaling& s, const std::vector<double>& scaled) {
  return convert_rows(s, scaled, to_original_units);
}

std::vector<double> centroids_to_scaled_units(const FeatureScaling& s, const std::vector<double>& original) {
  return convert_rows(s, original, to_scaled_units);
}

}  // namespace custseg::data
