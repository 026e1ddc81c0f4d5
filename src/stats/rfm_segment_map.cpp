#include "custseg/stats/rfm_segment_map.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>

#include "custseg/stats/quantile_selection.hpp"
#include "custseg/stats/segment_names.hpp"

namespace custseg::stats {

namespace {

std::string lower_case(const std::string& name) {
  std::string lower(name);
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  return lower;
}

// `stem` or `stem_*`, but not a score or rank column (R_score 5 = most recent: the opposite
// direction of days, and already scored).
bool named(const std::string& name, const std::string& stem) {
  const std::string lower = lower_case(name);
  const bool scored = lower.find("score") != std::string::npos || lower.find("rank") != std::string::npos;
  return !scored && (lower == stem || lower.rfind(stem + "_", 0) == 0);
}

// Recency must count days (or another time unit) since the last purchase: fewer is better.
bool recency_in_days(const std::string& name) {
  const std::string lower = lower_case(name);
  return lower == "recency" || lower == "recency_days" || lower == "recency_weeks";
}

// The population CDF at `value`, interpolated between the quantiles (see the header).
double interpolated_cdf(double value, std::span<const double> q) {
  const auto& p = kProfileProbabilities;
  if (value < q.front()) return p.front() / 2;
  if (value > q.back()) return (1 + p.back()) / 2;
  std::size_t first = q.size(), last = 0;  // the run of quantiles equal to value
  for (std::size_t i = 0; i < q.size(); ++i)
    if (q[i] == value) first = std::min(first, i), last = i;
  if (first < q.size()) return (p[first] + p[last]) / 2;
  for (std::size_t i = 0; i + 1 < q.size(); ++i)
    if (value > q[i] && value < q[i + 1]) return p[i] + (p[i + 1] - p[i]) * (value - q[i]) / (q[i + 1] - q[i]);
  return 0.5;  // NaN quantiles: the middle
}

std::string spend_qualifier(int monetary_score) {
  if (monetary_score >= 4) return "big spenders";
  if (monetary_score <= 2) return "low spenders";
  return "mid spenders";
}

}  // namespace

std::optional<RfmFeatures> find_rfm_features(const std::vector<FeatureProfile>& features) {
  std::optional<std::size_t> r, f, m;
  for (std::size_t i = 0; i < features.size(); ++i) {
    if (recency_in_days(features[i].name)) r = i;
    else if (named(features[i].name, "frequency") || named(features[i].name, "invoices")) f = i;
    else if (named(features[i].name, "monetary")) m = i;
    else return std::nullopt;
  }
  if (!r || !f || features.size() != (m ? 3U : 2U)) return std::nullopt;
  return RfmFeatures{*r, *f, m};
}

int quintile_score(double value, std::span<const double> population_quantiles) {
  if (population_quantiles.size() != kProfileProbabilities.size() || !std::isfinite(value)) return 3;
  const double cdf = interpolated_cdf(value, population_quantiles);
  return std::clamp(1 + static_cast<int>(std::floor(5 * cdf)), 1, 5);
}

std::string rfm_map_name(int r, int f) {
  if (r >= 5) return f == 1 ? "New customers" : f <= 3 ? "Potential loyalists" : "Champions";
  if (r == 4) return f == 1 ? "Promising" : f <= 3 ? "Potential loyalists" : "Loyal customers";
  if (r == 3) return f <= 2 ? "About to sleep" : f == 3 ? "Need attention" : "Loyal customers";
  if (f <= 2) return r == 1 && f == 1 ? "Lost" : "Hibernating";
  return f == 5 ? "Can't lose them" : "At risk";
}

std::vector<std::string> rfm_segment_names(const std::vector<FeatureProfile>& features, const RfmFeatures& rfm,
                                           std::size_t k) {
  constexpr std::size_t kMedian = 2;  // kProfileProbabilities[2] = 0.5
  auto score = [&](std::size_t feature, std::size_t c) {
    const auto& p = features[feature];
    if (p.quantiles.size() <= k || p.quantiles[c].size() <= kMedian) return 3;  // no quantiles: the middle
    return quintile_score(p.quantiles[c][kMedian], p.quantiles[k]);
  };
  std::vector<std::string> names(k);
  std::map<std::string, int> uses;
  for (std::size_t c = 0; c < k; ++c) {
    if (features[rfm.recency].moments.count[c] == 0) {
      names[c] = "empty";
      continue;
    }
    // Recency counts days since the last purchase: fewer days score higher.
    names[c] = rfm_map_name(6 - score(rfm.recency, c), score(rfm.frequency, c));
    ++uses[names[c]];
  }
  if (rfm.monetary)
    for (std::size_t c = 0; c < k; ++c)
      if (names[c] != "empty" && uses[names[c]] > 1) names[c] += ", " + spend_qualifier(score(*rfm.monetary, c));
  number_repeated_names(names);
  return names;
}

}  // namespace custseg::stats
