#include "custseg/stats/segment_names.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>

#include "custseg/stats/rfm_segment_map.hpp"

namespace custseg::stats {

std::vector<std::string> segment_names(const std::vector<FeatureProfile>& features, std::size_t k,
                                       const NamingOptions& options) {
  if (const auto rfm = find_rfm_features(features)) return rfm_segment_names(features, *rfm, k);
  std::vector<std::string> names(k);
  for (std::size_t c = 0; c < k; ++c) {
    if (features.empty() || features[0].moments.count[c] == 0) {
      names[c] = "empty";
      continue;
    }
    std::vector<std::size_t> order(features.size());
    std::iota(order.begin(), order.end(), 0);
    auto strength = [&](std::size_t f) {
      const double s = features[f].std_diff[c];
      return std::isfinite(s) ? std::abs(s) : 0.0;
    };
    // Stable: equal strengths keep the feature order, so names never depend on sort internals.
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return strength(a) > strength(b); });
    std::string name;
    for (std::size_t i = 0; i < order.size() && i < options.max_terms; ++i) {
      const std::size_t f = order[i];
      if (strength(f) < options.min_abs_std_diff) break;
      name += (name.empty() ? "" : ", ") + std::string(features[f].std_diff[c] > 0 ? "high " : "low ") + features[f].name;
    }
    names[c] = name.empty() ? "average on all features" : name;
  }
  number_repeated_names(names);
  return names;
}

void number_repeated_names(std::vector<std::string>& names) {
  std::map<std::string, int> seen;
  for (auto& name : names) {
    const int n = ++seen[name];
    if (n > 1) name += " (" + std::to_string(n) + ")";
  }
}

}  // namespace custseg::stats
