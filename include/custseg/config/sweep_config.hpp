#pragma once
// custseg sweep: one job over a range of k on data loaded once (see configs/sweep.ini).
#include <cstdint>
#include <string>
#include <vector>

#include "custseg/config/data_options.hpp"
#include "custseg/config/fit_options.hpp"
#include "custseg/config/options.hpp"
#include "custseg/config/privacy_options.hpp"
#include "custseg/config/profile_options.hpp"

namespace custseg::config {

struct SweepConfig {
  CommonOptions common;
  PrivacyOptions privacy;  // --consent-column (docs/privacy.md)
  std::string input;
  std::string output;
  std::string k_range = "2:12";  // "MIN:MAX", "MIN-MAX" or "A,B,C" (config/k_values.hpp)
  std::vector<std::int64_t> k_values;  // parsed from k_range: ascending, at least two
  std::uint64_t seed = 1;
  DataOptions data;  // features, transforms, NaN policy, id column, precision
  int restarts = kKMeansDefaults.n_init;
  FitOptions fit;  // iterations, tolerance, k-means|| rounds and oversampling, step
  double min_stability = 0.8;
  ProfileOptions profile;
};

bool parse_sweep_config(int argc, char** argv, int rank, SweepConfig& out);

}  // namespace custseg::config
