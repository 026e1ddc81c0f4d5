#pragma once
// Fitting the z-score scaling (transform.hpp) across all ranks with exact sums: the same mean
// and scale for any split of the rows. Collective.
#include <string>
#include <vector>

#include "custseg/data/feature_matrix.hpp"
#include "custseg/data/feature_scaling.hpp"
#include "custseg/mpi/communicator.hpp"
#include "custseg/util/fixed_point.hpp"

namespace custseg::data {

// The global per-feature range of the values: the largest magnitude (fixes the fixed-point scale
// of the values) and the extremes (bound the deviations from the mean). Feed every local row with
// add (in memory, or chunk by chunk), then reduce (collective: one max reduction).
struct ValueRange {
  std::vector<double> max_abs, hi, neg_lo;  // hi: largest value; neg_lo: minus the smallest
  explicit ValueRange(std::size_t d);
  void add(const FeatureMatrix& m);
  void reduce(const mpi::Communicator& comm);
};

// The exact sums behind fit_scaling, fed all at once (in memory) or chunk by chunk (streamed,
// row_source.cpp), so both paths give the same bits: fixed-point sums of the values, then of the
// squared deviations from the mean (no cancellation, no order). Use: add_values over every local
// row, means (collective), add_deviations over every local row, scales (collective).
class ExactScalingSums {
 public:
  // range: the global one (ValueRange::reduce).
  explicit ExactScalingSums(const ValueRange& range);
  void add_values(const FeatureMatrix& m);
  // Global means over `n` rows. Collective.
  std::vector<double> means(const mpi::Communicator& comm, double n);
  void add_deviations(const FeatureMatrix& m);
  // Global standard deviations over `n` rows (1 for a constant feature). Collective.
  std::vector<double> scales(const mpi::Communicator& comm, double n);

 private:
  std::vector<double> max_abs_, hi_, neg_lo_, mean_;
  std::vector<FixedPoint> scale_;      // of the values
  std::vector<SquareScale> squares_;  // of the squared deviations
  std::vector<Int128> sums_;
};

// Fits mean and scale across all ranks with exact sums (identical for any split). Collective.
FeatureScaling fit_scaling(const mpi::Communicator& comm, const FeatureMatrix& transformed,
                           std::vector<std::string> names, std::vector<TransformKind> kinds);

}  // namespace custseg::data
