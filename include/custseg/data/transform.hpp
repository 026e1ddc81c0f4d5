#pragma once
// Per-feature transforms and z-score standardization. Scaled value = (f(x) - mean) / scale.
// Local arithmetic only; the scaling is fitted across ranks by scaling_fit.hpp.
#include <cstdint>
#include <string>
#include <vector>

#include "custseg/data/feature_matrix.hpp"
#include "custseg/data/feature_scaling.hpp"

namespace custseg::data {

TransformKind parse_transform_kind(const std::string& text);  // throws a usage error
double apply_transform(TransformKind kind, double x);

// "monetary:log1p, frequency:log1p" -> one kind per feature (others: none). Usage error on a
// name that is not a selected feature or an unknown kind.
std::vector<TransformKind> parse_transform_list(const std::string& text, const std::vector<std::string>& features);

// Applies f in place (local, no MPI).
void apply_transforms(const std::vector<TransformKind>& kinds, FeatureMatrix& m);

// (v - mean) / scale in place (local).
void standardize(const FeatureScaling& s, FeatureMatrix& m);
// Original units of a point given in the scaled space: inverse of standardize and transform.
std::vector<double> to_original_units(const FeatureScaling& s, const std::vector<double>& scaled_point);
// Scaled space of a point given in original units.
std::vector<double> to_scaled_units(const FeatureScaling& s, const std::vector<double>& original_point);

}  // namespace custseg::data
