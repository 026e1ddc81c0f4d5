// Hungarian assignment against brute force, and the stable-ID rules of segment matching.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <numeric>
#include <random>
#include <vector>

#include "custseg/stats/min_cost_assignment.hpp"
#include "custseg/stats/segment_matching.hpp"

using custseg::stats::match_segments;
using custseg::stats::min_cost_assignment;

namespace {

// Minimum total cost of assigning min(rows, cols) pairs, by trying every permutation of the
// larger side's indices (the first min(rows, cols) entries of each permutation are the pairs).
double brute_force_min(const std::vector<double>& cost, std::size_t rows, std::size_t cols) {
  const std::size_t n = std::min(rows, cols), m = std::max(rows, cols);
  std::vector<std::size_t> perm(m);
  std::iota(perm.begin(), perm.end(), 0);
  double best = 1e300;
  do {
    double total = 0;
    for (std::size_t i = 0; i < n; ++i) total += rows <= cols ? cost[i * cols + perm[i]] : cost[perm[i] * cols + i];
    best = std::min(best, total);
  } while (std::next_permutation(perm.begin(), perm.end()));
  return best;
}

// Checks the assignment is a valid partial matching of min(rows, cols) pairs and returns its cost.
double checked_total(const std::vector<int>& match, const std::vector<double>& cost, std::size_t rows, std::size_t cols) {
  EXPECT_EQ(match.size(), rows);
  std::vector<int> used(cols, 0);
  double total = 0;
  std::size_t pairs = 0;
  for (std::size_t r = 0; r < rows; ++r) {
    if (match[r] < 0) continue;
    EXPECT_LT(static_cast<std::size_t>(match[r]), cols);
    EXPECT_EQ(used[static_cast<std::size_t>(match[r])]++, 0) << "column used twice";
    total += cost[r * cols + static_cast<std::size_t>(match[r])];
    ++pairs;
  }
  EXPECT_EQ(pairs, std::min(rows, cols));
  return total;
}

void check_all_shapes(bool tie_heavy, unsigned seed) {
  std::mt19937_64 gen(seed);
  std::uniform_real_distribution<double> real(0.0, 10.0);
  std::uniform_int_distribution<int> small(0, 2);  // few distinct values: many equal-cost optima
  for (std::size_t rows = 1; rows <= 8; ++rows)
    for (std::size_t cols = 1; cols <= 8; ++cols)
      for (int trial = 0; trial < (rows * cols <= 16 ? 6 : 2); ++trial) {
        std::vector<double> cost(rows * cols);
        for (double& c : cost) c = tie_heavy ? small(gen) : real(gen);
        const auto match = min_cost_assignment(cost, rows, cols);
        EXPECT_NEAR(checked_total(match, cost, rows, cols), brute_force_min(cost, rows, cols), 1e-9)
            << rows << "x" << cols << " trial " << trial;
      }
}

}  // namespace

TEST(MinCostAssignment, EqualsBruteForceOnRandomMatricesUpTo8x8) { check_all_shapes(false, 11); }

TEST(MinCostAssignment, EqualsBruteForceOnTieHeavyMatricesUpTo8x8) { check_all_shapes(true, 12); }

TEST(MinCostAssignment, EmptyAndDegenerate) {
  EXPECT_EQ(min_cost_assignment({}, 3, 0), std::vector<int>(3, -1));
  EXPECT_TRUE(min_cost_assignment({}, 0, 4).empty());
  EXPECT_EQ(min_cost_assignment({5, 5, 5, 5}, 2, 2).size(), 2u);
  EXPECT_THROW(min_cost_assignment({1, 2, 3}, 2, 2), std::invalid_argument);
}

TEST(MinCostAssignment, PrefersGlobalOptimumOverGreedy) {
  // Greedy on row 0 takes column 0 (cost 1) and forces row 1 onto cost 100; optimum is 2 + 2.
  EXPECT_EQ(min_cost_assignment({1, 2, 2, 100}, 2, 2), (std::vector<int>{1, 0}));
}

TEST(SegmentMatching, KeepsCloseIdsAndIssuesFreshOnesInIndexOrder) {
  // Previous IDs 4, 0, 7 (next 9). Current 0 ~ prev 2, current 1 far from everything, current 2 ~ prev 0,
  // current 3 unmatched (k > k_previous).
  const std::vector<double> cost = {5, 5, 0.2,   //
                                    3, 4, 5,     //
                                    0.5, 6, 6,   //
                                    9, 9, 9};
  const auto m = match_segments(cost, 4, {4, 0, 7}, 9, 1.0);
  EXPECT_EQ(m.segment_ids, (std::vector<std::int32_t>{7, 9, 4, 10}));
  EXPECT_EQ(m.next_segment_id, 11);
  EXPECT_EQ(m.vanished, (std::vector<std::int32_t>{0}));
  ASSERT_EQ(m.pairs.size(), 3u);
  EXPECT_EQ(m.pairs[1], (std::pair<std::int32_t, std::int32_t>{1, 1}));
  EXPECT_DOUBLE_EQ(m.distance[1], 4.0);
  EXPECT_TRUE(m.kept(0));
  EXPECT_FALSE(m.kept(1));
  EXPECT_FALSE(m.kept(3));
}

TEST(SegmentMatching, NextIdNeverBelowLargestPreviousId) {
  const auto m = match_segments({9, 9}, 2, {3}, 0, 1.0);  // stale next_segment_id 0
  EXPECT_EQ(m.segment_ids, (std::vector<std::int32_t>{4, 5}));
  EXPECT_EQ(m.vanished, (std::vector<std::int32_t>{3}));
}

TEST(SegmentMatching, ThresholdIsInclusiveAndDistancesAreEuclidean) {
  const auto d = custseg::stats::centroid_distances({0, 0, 3, 4}, 2, {3, 4}, 1, 2);
  EXPECT_EQ(d, (std::vector<double>{5.0, 0.0}));
  const auto m = match_segments({1.0, 2.0}, 1, {0, 1}, 2, 1.0);
  EXPECT_EQ(m.segment_ids, (std::vector<std::int32_t>{0}));
  EXPECT_EQ(m.vanished, (std::vector<std::int32_t>{1}));
}
