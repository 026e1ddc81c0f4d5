#pragma once
// Everything the reports need about one segmentation run: small, gathered, no customer rows.
// Writers (JSON, CSV, results.h5 model part) are pure functions of this struct.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "custseg/data/transform.hpp"
#include "custseg/kmeans/driver.hpp"
#include "custseg/stats/segment_moments.hpp"

namespace custseg::report {

struct RunSummary {
  // What was asked.
  std::string input, output;
  std::size_t k = 0;
  std::uint64_t seed = 0;
  int ranks = 1, threads = 1, n_init = 1, max_iter = 0;
  double tol = 0;
  std::string nan_policy, init_file;
  // What was found in the data.
  std::uint64_t rows_total = 0, rows_dropped = 0;
  data::FeatureScaling scaling;  // feature names, transforms, mean, scale
  // The model.
  kmeans::KMeansResult kmeans;            // labels/distances left empty: not report material
  std::vector<double> centroids_original;  // k * d in original units
  std::vector<stats::ColumnMoments> moments;  // one per feature, original units
  // Wall time per phase, in order.
  std::vector<std::pair<std::string, double>> timings;
  std::string custseg_version, created_utc, input_fingerprint;

  [[nodiscard]] std::size_t dims() const { return scaling.names.size(); }
  [[nodiscard]] std::uint64_t rows_assigned() const { return rows_total - rows_dropped; }
};

}  // namespace custseg::report
