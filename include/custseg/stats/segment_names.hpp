#pragma once
// Short generated descriptions of segments from their most distinctive features, e.g.
// "Big spenders, recent, frequent": the features with the largest absolute standardized
// difference from the population, strongest first, in plain words for the usual customer columns
// (recency, frequency, monetary, tenure, basket, discount/web share, email opens, returns,
// products, age) and "high NAME" / "low NAME" for any other.
#include <string>
#include <vector>

#include "custseg/stats/segment_profiles_types.hpp"

namespace custseg::stats {

struct NamingOptions {
  std::size_t max_terms = 3;
  double min_abs_std_diff = 0.25;  // below this a feature is not called high or low
};

// One name per segment (pure). On recency and frequency (and monetary) only, the RFM segment map's
// names (rfm_segment_map.hpp); otherwise the distinctive features. Empty segments are "empty"; a segment close to the population on
// every feature is "average on all features"; segments whose names coincide each add their next
// distinctive term while they have one, and names still equal get " (2)", " (3)", ...
std::vector<std::string> segment_names(const std::vector<FeatureProfile>& features, std::size_t k,
                                       const NamingOptions& options = {});

// Makes names unique in place: the second "x" becomes "x (2)", the third "x (3)", ...
void number_repeated_names(std::vector<std::string>& names);

}  // namespace custseg::stats
