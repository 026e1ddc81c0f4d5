// generate --period 2 building blocks: the keyed permutation is a bijection, the plan's counts
// are the documented shares, and any split of the rows gives the same rows.
#include <gtest/gtest.h>

#include <vector>

#include "custseg/data/synthetic.hpp"
#include "custseg/util/permutation.hpp"

TEST(Permutation, IsABijectionForAnySize) {
  for (std::uint64_t n : {1ULL, 2ULL, 3ULL, 5ULL, 16ULL, 17ULL, 100ULL, 1000ULL, 4097ULL}) {
    const custseg::rng::Permutation perm(42, 7, n);
    std::vector<int> hit(n, 0);
    for (std::uint64_t i = 0; i < n; ++i) {
      const std::uint64_t j = perm(i);
      ASSERT_LT(j, n);
      ++hit[j];
    }
    for (std::uint64_t j = 0; j < n; ++j) EXPECT_EQ(hit[j], 1) << "n = " << n << ", image " << j;
  }
  // Not the identity, and another seed gives another order.
  const custseg::rng::Permutation a(1, 7, 1000), b(2, 7, 1000);
  int fixed = 0, same = 0;
  for (std::uint64_t i = 0; i < 1000; ++i) {
    fixed += a(i) == i;
    same += a(i) == b(i);
  }
  EXPECT_LT(fixed, 20);
  EXPECT_LT(same, 20);
}

TEST(PeriodTwo, PlanHasTheDocumentedShares) {
  const auto p = custseg::data::period_two_plan(2000);
  EXPECT_EQ(p.lost, 200u);
  EXPECT_EQ(p.kept, 1800u);
  EXPECT_EQ(p.added, 300u);
  EXPECT_EQ(p.rows, 2100u);
  const auto one = custseg::data::period_two_plan(1);
  EXPECT_EQ(one.kept + one.lost, 1u);
}

TEST(PeriodTwo, AnySplitOfTheRowsGivesTheSameRows) {
  const auto plan = custseg::data::period_two_plan(997);
  custseg::data::SyntheticBlock whole, part;
  custseg::data::generate_period_two_block(5, plan, 1.0, {0, plan.rows}, whole);
  std::vector<std::uint64_t> ids;
  std::vector<double> recency;
  for (std::uint64_t begin = 0; begin < plan.rows; begin += 131) {
    const std::uint64_t count = std::min<std::uint64_t>(131, plan.rows - begin);
    custseg::data::generate_period_two_block(5, plan, 1.0, {begin, count}, part);
    ids.insert(ids.end(), part.customer_id.begin(), part.customer_id.end());
    recency.insert(recency.end(), part.recency_days.begin(), part.recency_days.end());
  }
  EXPECT_EQ(ids, whole.customer_id);
  EXPECT_EQ(recency, whole.recency_days);
}
