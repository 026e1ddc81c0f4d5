// Pure pieces of the segment profiles: names, adjusted Rand index, silhouette, the k rule and the
// fairness arithmetic, each against hand-worked or scikit-learn values.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "custseg/stats/sample_metrics.hpp"
#include "custseg/stats/fairness_tally.hpp"
#include "custseg/stats/k_selection.hpp"
#include "custseg/stats/rfm_segment_map.hpp"
#include "custseg/stats/segment_names.hpp"

namespace stats = custseg::stats;

namespace {

stats::FeatureProfile feature(const std::string& name, std::vector<double> std_diff) {
  stats::FeatureProfile f;
  f.name = name;
  f.std_diff = std::move(std_diff);
  f.moments.count.assign(f.std_diff.size() + 1, 100);
  return f;
}

}  // namespace

TEST(SegmentNames, StrongestFeaturesFirstWithDirection) {
  const std::vector<stats::FeatureProfile> features{feature("monetary", {1.5, -0.1, 0.1}),
                                                    feature("recency_days", {-0.9, 0.05, 0.1}),
                                                    feature("frequency", {0.4, 0.2, -0.1}),
                                                    feature("tenure_days", {0.3, 0.1, 0.1})};
  const auto names = stats::segment_names(features, 3);
  EXPECT_EQ(names[0], "Big spenders, recent, frequent");  // three terms at most, plain words
  EXPECT_EQ(names[1], "average on all features");                         // nothing above 0.25
  EXPECT_EQ(names[2], "average on all features (2)");                     // repeated names made unique
}

// Two segments alike on their three strongest features differ on a fourth: each name takes it
// rather than one of them becoming "(2)"; a third segment with no fourth term keeps its name.
TEST(SegmentNames, CoincidingNamesTakeTheirNextDistinctiveTerm) {
  const std::vector<stats::FeatureProfile> features{feature("monetary", {1.5, 1.4, 1.3}),
                                                    feature("recency_days", {-0.9, -0.8, -0.7}),
                                                    feature("frequency", {0.6, 0.5, 0.5}),
                                                    feature("age", {-0.4, 0.45, 0.1})};
  const auto names = stats::segment_names(features, 3);
  EXPECT_EQ(names[0], "Big spenders, recent, frequent, younger");
  EXPECT_EQ(names[1], "Big spenders, recent, frequent, older");
  EXPECT_EQ(names[2], "Big spenders, recent, frequent");
}

TEST(SegmentNames, OtherColumnsSayHighOrLow) {
  const std::vector<stats::FeatureProfile> features{feature("Spending Score (1-100)", {0.9, -0.8}),
                                                    feature("Recency_Weeks", {0.5, -0.3})};
  const auto names = stats::segment_names(features, 2);
  EXPECT_EQ(names[0], "High Spending Score (1-100), lapsed");
  EXPECT_EQ(names[1], "Low Spending Score (1-100), recent");
}

TEST(SegmentNames, EmptySegmentsAreNamedEmpty) {
  auto f = feature("monetary", {1.0, 1.0});
  f.moments.count = {5, 0, 5};
  EXPECT_EQ(stats::segment_names({f}, 2)[1], "empty");
}

TEST(AdjustedRand, MatchesScikitLearn) {
  const std::vector<std::int32_t> a{0, 0, 1, 1}, renamed{1, 1, 0, 0}, split{0, 0, 1, 2}, crossed{0, 1, 0, 1};
  EXPECT_DOUBLE_EQ(stats::adjusted_rand_index(a, renamed), 1.0);
  EXPECT_NEAR(stats::adjusted_rand_index(a, split), 0.5714285714285715, 1e-15);  // sklearn adjusted_rand_score
  EXPECT_NEAR(stats::adjusted_rand_index(a, crossed), -0.5, 1e-15);
}

TEST(Silhouette, HandWorkedExample) {
  // Points 0, 1 | 10, 11: s = (10.5 - 1) / 10.5 and (9.5 - 1) / 9.5, twice each.
  const std::vector<double> x{0, 1, 10, 11};
  const std::vector<std::int32_t> labels{0, 0, 1, 1};
  const double expected = ((10.5 - 1) / 10.5 + (9.5 - 1) / 9.5) / 2;
  EXPECT_NEAR(stats::silhouette(x, 1, labels, 2), expected, 1e-15);
  // One cluster only: undefined.
  EXPECT_TRUE(std::isnan(stats::silhouette(x, 1, std::vector<std::int32_t>{0, 0, 0, 0}, 2)));
}

TEST(KSelection, StableSubstantialHighestSilhouetteWins) {
  auto point = [](std::size_t k, double sil, double stability, std::int64_t smallest) {
    stats::SweepPoint p;
    p.k = k;
    p.quality.silhouette = sil;
    p.quality.calinski_harabasz = 100.0 / static_cast<double>(k);
    p.stability = stability;
    p.smallest_segment = smallest;
    return p;
  };
  // k=3 has the best silhouette but unstable restarts; k=5 has a tiny segment; k=4 wins.
  std::vector<stats::SweepPoint> points{point(2, 0.40, 1.0, 900), point(3, 0.70, 0.5, 500), point(4, 0.60, 0.95, 300),
                                        point(5, 0.65, 0.99, 20)};
  auto choice = stats::recommend_k(points, 0.8, 50);
  EXPECT_EQ(choice.k, 4u);
  EXPECT_TRUE(choice.from_candidates);
  // Ties go to the smaller k.
  points[0].quality.silhouette = 0.60;
  EXPECT_EQ(stats::recommend_k(points, 0.8, 50).k, 2u);
  // Nobody qualifies: the best silhouette overall, and say so.
  choice = stats::recommend_k(points, 0.8, 10000);
  EXPECT_EQ(choice.k, 3u);
  EXPECT_FALSE(choice.from_candidates);
}

TEST(FairnessAudit, RateRatioAndFourFifthsFlag) {
  stats::FairnessAudit a;
  a.groups = {"female", "male", "undisclosed"};
  a.population = {1000, 1000, 0};  // a group with nobody in it has no rate and is ignored
  a.counts = {500, 450, 0,          // rates 0.50 / 0.45 -> ratio 0.9
              300, 150, 0,          // 0.30 / 0.15 -> 0.5: flagged
              200, 400, 0};         // 0.20 / 0.40 -> 0.5: flagged
  a.threshold = 0.8;
  stats::finish_audit(a);
  EXPECT_DOUBLE_EQ(a.rate_ratio[0], 0.9);
  EXPECT_DOUBLE_EQ(a.rate_ratio[1], 0.5);
  EXPECT_EQ(a.flagged, (std::vector<std::uint8_t>{0, 1, 1}));
  EXPECT_DOUBLE_EQ(a.segment_share(1, 0), 300.0 / 450.0);
  EXPECT_DOUBLE_EQ(a.population_share(1), 0.5);
}

namespace {

// A feature whose segments' medians and population quantiles are given (p5, p25, p50, p75, p95).
stats::FeatureProfile quantile_feature(const std::string& name, const std::vector<double>& medians,
                                       std::vector<double> population) {
  stats::FeatureProfile f = feature(name, std::vector<double>(medians.size(), 0.0));
  for (const double m : medians) f.quantiles.push_back({m, m, m, m, m});
  f.quantiles.push_back(std::move(population));
  return f;
}

}  // namespace

TEST(RfmSegmentMap, FindsRecencyFrequencyAndMonetaryOnly) {
  const auto r = feature("recency_days", {0}), f = feature("Frequency", {0}), m = feature("monetary", {0});
  const auto rfm = stats::find_rfm_features({m, r, f});
  ASSERT_TRUE(rfm.has_value());
  EXPECT_EQ(rfm->recency, 1U);
  EXPECT_EQ(rfm->frequency, 2U);
  EXPECT_EQ(rfm->monetary, 0U);
  EXPECT_TRUE(stats::find_rfm_features({r, f}).has_value());
  EXPECT_FALSE(stats::find_rfm_features({r, m}).has_value());                            // no frequency
  EXPECT_FALSE(stats::find_rfm_features({r, f, m, feature("tenure_days", {0})}).has_value());  // more than RFM
  EXPECT_FALSE(stats::find_rfm_features({feature("frequency_band_x", {0}), f, r}).has_value());  // two F
  // Recency as a score (5 = most recent) runs the other way: not named by the map.
  EXPECT_FALSE(stats::find_rfm_features({feature("recency_score", {0}), f, m}).has_value());
  EXPECT_FALSE(stats::find_rfm_features({feature("R_score", {0}), f}).has_value());
  EXPECT_FALSE(stats::find_rfm_features({r, feature("frequency_rank", {0})}).has_value());
  EXPECT_TRUE(stats::find_rfm_features({feature("Recency", {0}), feature("frequency_12m", {0})}).has_value());
}

TEST(RfmSegmentMap, QuintileScoreInterpolatesThePopulationQuantiles) {
  const std::vector<double> q{10, 20, 40, 80, 160};  // p5, p25, p50, p75, p95
  EXPECT_EQ(stats::quintile_score(5, q), 1);     // below p5
  EXPECT_EQ(stats::quintile_score(20, q), 2);    // p25: CDF 0.25
  EXPECT_EQ(stats::quintile_score(30, q), 2);    // CDF 0.375
  EXPECT_EQ(stats::quintile_score(40, q), 3);    // median
  EXPECT_EQ(stats::quintile_score(60, q), 4);    // CDF 0.625
  EXPECT_EQ(stats::quintile_score(150, q), 5);   // CDF 0.9375
  EXPECT_EQ(stats::quintile_score(500, q), 5);   // above p95
  // Ties: half the population bought once; a median of 1 sits in the middle of that run (CDF 0.275).
  EXPECT_EQ(stats::quintile_score(1, std::vector<double>{1, 1, 1, 3, 9}), 2);
}

TEST(RfmSegmentMap, TheGridOfNames) {
  EXPECT_EQ(stats::rfm_map_name(5, 5), "Champions");
  EXPECT_EQ(stats::rfm_map_name(5, 1), "New customers");
  EXPECT_EQ(stats::rfm_map_name(4, 2), "Potential loyalists");
  EXPECT_EQ(stats::rfm_map_name(4, 1), "Promising");
  EXPECT_EQ(stats::rfm_map_name(3, 5), "Loyal customers");
  EXPECT_EQ(stats::rfm_map_name(3, 3), "Need attention");
  EXPECT_EQ(stats::rfm_map_name(3, 1), "About to sleep");
  EXPECT_EQ(stats::rfm_map_name(2, 4), "At risk");
  EXPECT_EQ(stats::rfm_map_name(1, 5), "Can't lose them");
  EXPECT_EQ(stats::rfm_map_name(2, 2), "Hibernating");
  EXPECT_EQ(stats::rfm_map_name(1, 1), "Lost");
}

TEST(RfmSegmentMap, SegmentNamesFromMediansAndUniqueBySpend) {
  // Population recency p5..p95 in days, frequency, monetary; four segments.
  const auto r = quantile_feature("recency_days", {5, 8, 300, 150}, {3, 20, 50, 140, 320});
  const auto f = quantile_feature("frequency", {20, 20, 1, 4}, {1, 1, 2, 5, 12});
  const auto m = quantile_feature("monetary", {5000, 300, 100, 900}, {80, 250, 600, 1500, 5000});
  const auto names = stats::segment_names({r, f, m}, 4);
  EXPECT_EQ(names[0], "Champions, big spenders");  // two champions: told apart by spend
  EXPECT_EQ(names[1], "Champions, low spenders");
  EXPECT_EQ(names[2], "Lost");
  EXPECT_EQ(names[3], "At risk");  // recency CDF 0.75 -> R 2; frequency 4 -> F 4
}

// Two segments alike on every distinctive term do not grow long names that still coincide: both
// keep the short form, and the second is numbered.
TEST(SegmentNames, NamesAlikeToTheEndStayShortAndAreNumbered) {
  const std::vector<stats::FeatureProfile> features{feature("monetary", {1.5, 1.4}), feature("recency_days", {-0.9, -0.8}),
                                                    feature("frequency", {0.6, 0.5}), feature("age", {0.5, 0.45}),
                                                    feature("tenure_days", {0.4, 0.35})};
  const auto names = stats::segment_names(features, 2);
  EXPECT_EQ(names[0], "Big spenders, recent, frequent");
  EXPECT_EQ(names[1], "Big spenders, recent, frequent (2)");
}
