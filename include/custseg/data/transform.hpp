#pragma once
// Per-feature transforms and z-score standardization. Scaled value = (f(x) - mean) / scale.
// Local arithmetic only; the scaling is fitted across ranks by scaling_fit.hpp.
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "custseg/data/feature_matrix.hpp"
#include "custseg/data/feature_scaling.hpp"

namespace custseg::data {

TransformKind parse_transform_kind(const std::string& text);  // throws a usage error
// Inline: preparation applies it to every value of every feature.
inline double apply_transform(TransformKind kind, double x) { return kind == TransformKind::log1p ? std::log1p(x) : x; }

// "monetary:log1p, frequency:log1p" -> one kind per feature (others: none); a single KIND ("none",
// "log1p") -> that kind for every feature. Usage error on a name that is not a selected feature
// or an unknown kind.
std::vector<TransformKind> parse_transform_list(const std::string& text, const std::vector<std::string>& features);

// Applies f in place (local, no MPI).
void apply_transforms(const std::vector<TransformKind>& kinds, FeatureMatrix& m);

// The largest magnitude accepted for a feature value, raw or transformed. Every sum custseg forms
// over rows and features squares values (variances, squared distances, their fixed-point scales
// with 2^11 headroom), and 1e120 squared, times 4 x 2^11 x 2^64 rows x 2^20 features, is still
// far below the double range (1.8e308): below it every such sum is finite; above it (a 1e200
// "missing" sentinel, DBL_MAX) the squares overflow. Values beyond it are refused like NaN.
inline constexpr double kMaxFeatureMagnitude = 1e120;
// Whether a value (raw, and after its transform) can be used: finite and within the magnitude
// (NaN fails both comparisons, infinities the magnitude). Inline: checked for every value.
[[nodiscard]] inline bool usable_value(double raw, double transformed) {
  return std::abs(raw) <= kMaxFeatureMagnitude && std::abs(transformed) <= kMaxFeatureMagnitude;
}
// The input error's text for an unusable value: the feature, the value, the row (global,
// 0-based position in the table) and why.
[[nodiscard]] std::string unusable_value_message(const std::string& feature, double raw, TransformKind kind,
                                                 double transformed, std::uint64_t row);

// float32 storage of the k-means space holds squared norms in float32 (blocked_assign.hpp): with
// values up to 2^50 and up to 2^20 features they stay below float's 3.4e38. Unstandardized
// features spread wider than that need --precision float64 (or --standardize true). Throws an
// input error naming the feature and row; a no-op for float64.
inline constexpr double kMaxFloat32KMeansMagnitude = 0x1p50;
void check_kmeans_range(const FeatureMatrix& m, const std::vector<std::string>& names, Precision precision);

// --standardize false: keeps the fitted mean (k-means runs on centred values, reported back in
// original units) and sets every scale to 1. Returns the mean feature variance (tol's unit).
double center_only(FeatureScaling& scaling);

// (v - mean) / scale in place (local).
void standardize(const FeatureScaling& s, FeatureMatrix& m);
// Original units of a point given in the scaled space: inverse of standardize and transform.
std::vector<double> to_original_units(const FeatureScaling& s, const std::vector<double>& scaled_point);
// Scaled space of a point given in original units.
std::vector<double> to_scaled_units(const FeatureScaling& s, const std::vector<double>& original_point);

}  // namespace custseg::data
