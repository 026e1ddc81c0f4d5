#include <gtest/gtest.h>

#include <cmath>

#include "custseg/util/rng.hpp"

using namespace custseg::rng;

TEST(Rng, IsAPureFunctionOfSeedStreamAndCounter) {
  EXPECT_EQ(bits(1, 2, 3), bits(1, 2, 3));
  EXPECT_NE(bits(1, 2, 3), bits(1, 2, 4));
  EXPECT_NE(bits(1, 2, 3), bits(1, 3, 3));
  EXPECT_NE(bits(1, 2, 3), bits(2, 2, 3));
}

TEST(Rng, UniformAndNormalHaveTheRightMoments) {
  const int n = 200000;
  double su = 0, sn = 0, sn2 = 0;
  for (int i = 0; i < n; ++i) {
    const double u = uniform(7, 1, static_cast<std::uint64_t>(i));
    ASSERT_GT(u, 0.0);
    ASSERT_LT(u, 1.0);
    su += u;
    const double z = normal(7, 2, static_cast<std::uint64_t>(i));
    sn += z;
    sn2 += z * z;
  }
  EXPECT_NEAR(su / n, 0.5, 0.005);
  EXPECT_NEAR(sn / n, 0.0, 0.01);
  EXPECT_NEAR(sn2 / n, 1.0, 0.02);
}
