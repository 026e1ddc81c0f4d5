#pragma once
// What custseg compare computes (plain data, no MPI): the reduced migration matrix and the figures
// derived from it, centroid drift and population stability per feature (docs/compare.md). Rank 0
// renders migration.csv, report.json and report.html from it (report/compare_reports.hpp).
#include <cstdint>
#include <string>
#include <vector>

#include "custseg/io/model_file.hpp"

namespace custseg::compare {

// Drift of one segment ID present in both runs: Euclidean distance of its centroids in the
// previous run's scaled space (NaN when the transforms differ) and, per feature, the current
// centroid minus the previous one in original units.
struct SegmentDrift {
  std::int32_t id = 0;
  double distance = 0;
  std::vector<double> change;
};

struct CentroidDrift {
  bool computable = false;  // same feature names in the same order
  std::string note;         // why not, or what was left out
  std::vector<std::string> features;
  std::vector<SegmentDrift> segments;
  std::vector<std::int32_t> only_previous, only_current;  // IDs in one run only
};

// The current centroids mapped into the previous run's scaled space through the transformed
// space (same transform kind per feature), then compared ID by ID.
CentroidDrift centroid_drift(const io::Model& previous, const io::Model& current);

// Population stability of one feature: the previous run's deciles (numpy 'linear'), both
// periods' customers counted per bin (customers with a segment and a finite value).
struct FeatureStability {
  std::string feature;
  std::vector<double> edges;  // 9 deciles of the previous period
  std::vector<std::int64_t> previous, current;  // 10 bins each
  double psi = 0;
};

struct CompareResult {
  io::Model previous, current;               // io::read_model of each run's results.h5
  std::string previous_input, current_input;  // tables read for KPIs and PSI ("" = none)
  std::vector<std::int64_t> counts;           // (kA + 1) x (kB + 1), see migration.hpp
  std::vector<std::string> kpi_names;
  std::vector<double> kpi_sums;               // cells x kpis
  std::int64_t previous_dropped = 0, current_dropped = 0;
  double ari = 0;
  CentroidDrift drift;
  std::vector<FeatureStability> stability;
  std::vector<std::string> notes;             // what was skipped and why
  int n_ranks = 1;
  double wall_seconds = 0;
  std::vector<double> seconds_per_rank, peak_rss_per_rank;

  [[nodiscard]] std::size_t rows() const { return previous.k + 1; }
  [[nodiscard]] std::size_t cols() const { return current.k + 1; }
  [[nodiscard]] std::int64_t count(std::size_t r, std::size_t c) const { return counts[r * cols() + c]; }
  [[nodiscard]] std::int64_t in_both() const;
  [[nodiscard]] std::int64_t lost() const;
  [[nodiscard]] std::int64_t fresh() const;  // "new"
  [[nodiscard]] std::int64_t row_total(std::size_t r) const;
};

}  // namespace custseg::compare
