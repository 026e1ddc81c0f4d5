#pragma once
// Names from the RFM segment map for segmentations on recency, frequency and (optionally)
// monetary value only: each segment is scored 1..5 on recency (5 = most recent) and frequency
// (5 = most frequent) from where its median falls in the population, and the (R, F) pair is looked
// up in the widely used RFM grid (Putler's RFM segment table as written in most RFM tutorials):
//
//            F = 1         F = 2-3              F = 4-5
//   R = 5    New customers Potential loyalists  Champions
//   R = 4    Promising     Potential loyalists  Loyal customers
//   R = 3    About to sleep (F 1-2), Need attention (F 3)   Loyal customers
//   R = 1-2  Hibernating (Lost when R = F = 1)  At risk (F 3-4), Can't lose them (F 5)
//
// A segment's score on a column is 1 + floor(5 x CDF(median)), clamped to 1..5, where the
// population CDF is interpolated linearly between its exact p5, p25, p50, p75 and p95 (a median on
// a run of equal quantiles takes the middle of their probabilities, so ties score fairly).
// Segments that share a name are told apart by spend ("Champions, big spenders") when monetary is a
// feature. docs/outputs.md documents the rule.
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "custseg/stats/segment_profiles_types.hpp"

namespace custseg::stats {

// Positions of the R, F and M features: recency as time since the last purchase (recency,
// recency_days or recency_weeks), frequency/frequency_* or invoices/invoices_* (the invoice count,
// as ingest --calibration-end names it) and monetary/monetary_* (case-insensitive;
// never a column whose name holds "score" or "rank", which runs the other way or is scored
// already). nullopt unless the features are exactly R and F, or R, F and M, in any order: with
// other features the map would not describe the segments.
struct RfmFeatures {
  std::size_t recency = 0, frequency = 0;
  std::optional<std::size_t> monetary;
};
std::optional<RfmFeatures> find_rfm_features(const std::vector<FeatureProfile>& features);

// 1..5: where `value` falls in a population given by its quantiles at kProfileProbabilities.
int quintile_score(double value, std::span<const double> population_quantiles);

// The grid above; r and f in 1..5.
std::string rfm_map_name(int recency_score, int frequency_score);

// One name per segment (pure); "empty" for empty segments; repeated names made unique by spend,
// then " (2)", " (3)", ...
std::vector<std::string> rfm_segment_names(const std::vector<FeatureProfile>& features, const RfmFeatures& rfm,
                                           std::size_t k);

}  // namespace custseg::stats
