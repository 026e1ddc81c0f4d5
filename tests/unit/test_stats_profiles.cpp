// Pure pieces of the segment profiles: names, adjusted Rand index, silhouette, the k rule and the
// fairness arithmetic, each against hand-worked or scikit-learn values.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "custseg/stats/sample_metrics.hpp"
#include "custseg/stats/fairness_tally.hpp"
#include "custseg/stats/k_selection.hpp"
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
  EXPECT_EQ(names[0], "high monetary, low recency_days, high frequency");  // three terms at most
  EXPECT_EQ(names[1], "average on all features");                         // nothing above 0.25
  EXPECT_EQ(names[2], "average on all features (2)");                     // repeated names made unique
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
