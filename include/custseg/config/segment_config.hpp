#pragma once
#include <cstdint>
#include <string>

#include "custseg/config/clv_config.hpp"
#include "custseg/config/data_options.hpp"
#include "custseg/config/export_options.hpp"
#include "custseg/config/fit_options.hpp"
#include "custseg/config/options.hpp"
#include "custseg/config/privacy_options.hpp"
#include "custseg/config/profile_options.hpp"

namespace custseg::config {

struct SegmentConfig {
  CommonOptions common;
  PrivacyOptions privacy;  // --pseudonymize-ids, --consent-column (docs/privacy.md)
  std::string input;
  std::string output;
  std::int64_t k = static_cast<std::int64_t>(kKMeansDefaults.k);
  std::uint64_t seed = 1;
  DataOptions data;  // features, transforms, NaN policy, id column, precision
  bool allow_duplicate_ids = false;  // else a repeated customer id is an input error
  int n_init = kKMeansDefaults.n_init;
  FitOptions fit;  // iterations, tolerance, k-means|| rounds and oversampling, step
  std::string init_file;
  // Stable segment IDs across periods (docs/segment-ids.md): the previous period's results.h5,
  // the largest centroid distance (previous-model standard deviations) at which a matched segment
  // keeps its previous ID, and whether k-means starts from the previous centroids.
  std::string previous;
  double match_threshold = 1.0;
  bool warm_start = false;
  std::string memory_limit = "0";     // per rank, e.g. "2G": beyond it the features stream from the file
  std::uint64_t memory_limit_bytes = 0;  // parsed; 0 = no limit
  int checkpoint_every = 0;  // iterations between checkpoints; 0 = only on SIGTERM/SIGUSR1
  bool resume = false;       // continue from OUTPUT/checkpoint.h5
  ExportOptions exports;  // --export: assignments.csv beside results.h5
  bool clv = false;  // --clv: BG/NBD and gamma-gamma per customer and per segment (jobs/segment_clv.cpp)
  ClvModelOptions clv_model;
  ProfileOptions profile;  // KPIs, protected columns, privacy floor, fairness threshold, silhouette sample
};

bool parse_segment_config(int argc, char** argv, int rank, SegmentConfig& out);

}  // namespace custseg::config
