#pragma once
// Whole centroid matrices (k rows of the scaling's features, row-major) between the k-means
// space and original units: data/transform.hpp's per-point conversions applied row by row.
#include <vector>

#include "custseg/data/transform.hpp"

namespace custseg::data {

std::vector<double> centroids_to_original_units(const FeatureScaling& s, const std::vector<double>& scaled);
std::vector<double> centroids_to_scaled_units(const FeatureScaling& s, const std::vector<double>& original);

}  // namespace custseg::data
