#pragma once
// Per-feature transforms and z-score standardization. Scaled value = (f(x) - mean) / scale.
#include <cstdint>
#include <string>
#include <vector>

#include "custseg/data/feature_matrix.hpp"
#include "custseg/data/feature_scaling.hpp"
#include "custseg/mpi/communicator.hpp"
#include "custseg/mpi/exact_sum.hpp"

namespace custseg::data {

TransformKind parse_transform_kind(const std::string& text);  // throws a usage error
double apply_transform(TransformKind kind, double x);

// "monetary:log1p, frequency:log1p" -> one kind per feature (others: none). Usage error on a
// name that is not a selected feature or an unknown kind.
std::vector<TransformKind> parse_transform_list(const std::string& text, const std::vector<std::string>& features);

// Applies f in place (local, no MPI).
void apply_transforms(const std::vector<TransformKind>& kinds, FeatureMatrix& m);

// The exact sums behind fit_scaling, fed all at once (in memory) or chunk by chunk (streamed,
// row_source.cpp), so both paths give the same bits: fixed-point sums of the values, then of the
// squared deviations from the mean (no cancellation, no order). Use: add_values over every local
// row, means (collective), add_deviations over every local row, scales (collective).
class ExactScalingSums {
 public:
  // max_abs: the global per-feature maximum magnitude (fixes the fixed-point scales).
  explicit ExactScalingSums(std::vector<double> max_abs);
  void add_values(const FeatureMatrix& m);
  // Global means over `n` rows. Collective.
  std::vector<double> means(const mpi::Communicator& comm, double n);
  void add_deviations(const FeatureMatrix& m);
  // Global standard deviations over `n` rows (1 for a constant feature). Collective.
  std::vector<double> scales(const mpi::Communicator& comm, double n);

 private:
  std::vector<double> max_abs_, mean_;
  std::vector<FixedPoint> scale_;
  std::vector<Int128> sums_;
};

// Fits mean and scale across all ranks with exact sums (identical for any split). Collective.
FeatureScaling fit_scaling(const mpi::Communicator& comm, const FeatureMatrix& transformed,
                           std::vector<std::string> names, std::vector<TransformKind> kinds);

// (v - mean) / scale in place (local).
void standardize(const FeatureScaling& s, FeatureMatrix& m);
// Original units of a point given in the scaled space: inverse of standardize and transform.
std::vector<double> to_original_units(const FeatureScaling& s, const std::vector<double>& scaled_point);
// Scaled space of a point given in original units.
std::vector<double> to_scaled_units(const FeatureScaling& s, const std::vector<double>& original_point);

}  // namespace custseg::data
