#pragma once
// Options about what the reports say of the segments (shared by segment and sweep): KPI and
// protected columns, the privacy floor and the fairness threshold, the silhouette sample.
#include <cstdint>
#include <string>

#include "custseg/config/options.hpp"
#include "custseg/stats/profile_request.hpp"

namespace custseg::config {

struct ProfileOptions {
  std::string kpi;                 // comma list; empty = columns with role attribute "kpi"; "none"
  std::string protected_columns;   // comma list; empty = columns with role attribute "protected"; "none"
  std::int64_t min_segment_size = 50;
  double fairness_threshold = 0.8;
  std::int64_t silhouette_sample = 2000;
  std::string segment_labels;      // CSV segment_id,name,action (stats/segment_labels.hpp); empty: none
  std::string profile;             // comma list of columns shown per segment (category mix), never features
  std::string bands;               // 'age:18,25,35,50,65; income:...' declared bands of numeric columns
};

void add_profile_options(po::options_description& desc, ProfileOptions& p);
// Usage errors for out-of-range values.
void validate_profile_options(const ProfileOptions& p);
// What resolve_profile_columns reads from the options.
stats::ProfileRequest profile_request(const ProfileOptions& p);

}  // namespace custseg::config
