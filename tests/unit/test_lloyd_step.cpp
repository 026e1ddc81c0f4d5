// The local Lloyd step against a brute-force reference written independently here.
#include <gtest/gtest.h>

#include <random>

#include "custseg/kmeans/init.hpp"
#include "custseg/kmeans/lloyd_step.hpp"
#include "custseg/kmeans/local_step.hpp"

using namespace custseg;

namespace {
data::FeatureMatrix random_matrix(std::size_t n, std::size_t d, unsigned seed) {
  std::mt19937_64 gen(seed);
  std::normal_distribution<double> z;
  data::FeatureMatrix m;
  m.rows = n;
  m.dims = d;
  m.values.resize(n * d);
  for (auto& v : m.values) v = z(gen);
  return m;
}
}  // namespace

TEST(LloydStep, MatchesBruteForceAssignmentSumsAndInertia) {
  const std::size_t n = 5000, d = 4, k = 6;
  const auto x = random_matrix(n, d, 3);
  std::vector<double> centroids(x.values.begin(), x.values.begin() + static_cast<std::ptrdiff_t>(k * d));
  const auto scales = kmeans::SumScales::from_max_abs(std::vector<double>(d, 6.0));
  std::vector<std::int32_t> labels(n);
  std::vector<double> d2(n);
  const auto sums = kmeans::lloyd_local_step(x, centroids, k, scales, labels, d2);

  std::vector<long double> ref_sums(k * d, 0);
  std::vector<long> ref_counts(k, 0);
  long double ref_inertia = 0;
  for (std::size_t i = 0; i < n; ++i) {
    std::size_t best = 0;
    double best_d = 1e300;
    for (std::size_t c = 0; c < k; ++c) {
      double s = 0;
      for (std::size_t j = 0; j < d; ++j) s += (x.values[i * d + j] - centroids[c * d + j]) * (x.values[i * d + j] - centroids[c * d + j]);
      if (s < best_d) { best_d = s; best = c; }
    }
    EXPECT_EQ(labels[i], static_cast<std::int32_t>(best));
    EXPECT_NEAR(d2[i], best_d, 1e-9);
    ref_counts[best] += 1;
    ref_inertia += best_d;
    for (std::size_t j = 0; j < d; ++j) ref_sums[best * d + j] += x.values[i * d + j];
  }
  for (std::size_t c = 0; c < k; ++c) {
    EXPECT_EQ(static_cast<long>(sums.counts[c]), ref_counts[c]);
    for (std::size_t j = 0; j < d; ++j)
      EXPECT_NEAR(scales.dim[j].to_double(sums.sums[c * d + j]), static_cast<double>(ref_sums[c * d + j]), 1e-8);
  }
  EXPECT_NEAR(scales.distance.to_double(sums.inertia), static_cast<double>(ref_inertia), 1e-6);

  // The update moves each centroid to its cluster mean.
  std::vector<double> updated = centroids;
  kmeans::update_centroids(sums, scales, updated);
  for (std::size_t c = 0; c < k; ++c) {
    if (ref_counts[c] > 0) {
      EXPECT_NEAR(updated[c * d], static_cast<double>(ref_sums[c * d] / ref_counts[c]), 1e-10);
    }
  }
}

TEST(WeightedKMeansPlusPlus, PicksDistinctWellSpreadCentres) {
  // Three tight groups of candidates; k = 3 must take one centre from each.
  std::vector<double> cand{0, 0, 0.1, 0, 10, 10, 10.1, 10, -10, 5, -10.1, 5};
  std::vector<double> w{5, 5, 3, 3, 1, 1};
  const auto centres = kmeans::weighted_kmeanspp(cand, w, 2, 3, 42);
  ASSERT_EQ(centres.size(), 6U);
  std::vector<int> group_hit(3, 0);
  for (std::size_t c = 0; c < 3; ++c) {
    const double x = centres[c * 2];
    group_hit[x > 5 ? 1 : x < -5 ? 2 : 0] += 1;
  }
  EXPECT_EQ(group_hit, (std::vector<int>{1, 1, 1}));
  EXPECT_EQ(centres, kmeans::weighted_kmeanspp(cand, w, 2, 3, 42)) << "deterministic for a seed";
}

TEST(AutoAlgorithm, FollowsTheDocumentedRule) {
  using custseg::kmeans::Algorithm;
  using custseg::kmeans::choose_algorithm;
  // Hamerly only when both k >= 32 and d >= 32 (src/kmeans/local_step.cpp), and never on tiny n.
  EXPECT_EQ(choose_algorithm(Algorithm::automatic, 10'000'000, 32, 64), Algorithm::hamerly);
  EXPECT_EQ(choose_algorithm(Algorithm::automatic, 10'000'000, 16, 64), Algorithm::lloyd);
  EXPECT_EQ(choose_algorithm(Algorithm::automatic, 10'000'000, 32, 16), Algorithm::lloyd);
  EXPECT_EQ(choose_algorithm(Algorithm::automatic, 19'999, 32, 64), Algorithm::lloyd);
  // An explicit choice is kept.
  EXPECT_EQ(choose_algorithm(Algorithm::yinyang, 100, 2, 2), Algorithm::yinyang);
}
