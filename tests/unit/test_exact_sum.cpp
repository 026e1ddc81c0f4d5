#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "custseg/kmeans/cluster_sums.hpp"
#include "custseg/util/fixed_point.hpp"

using custseg::FixedPoint;
using custseg::Int128;

namespace {
std::vector<double> skewed_values(std::size_t n, unsigned seed) {
  std::mt19937_64 gen(seed);
  std::lognormal_distribution<double> spend(3.0, 2.0);
  std::vector<double> v(n);
  for (auto& x : v) x = spend(gen) * ((gen() & 1) ? 1.0 : -1.0);
  return v;
}
}  // namespace

TEST(ExactSum, OrderAndSplitDoNotChangeTheTotal) {
  auto values = skewed_values(100000, 1);
  double max_abs = 0;
  for (double v : values) max_abs = std::max(max_abs, std::abs(v));
  const FixedPoint scale = FixedPoint::for_max_abs(max_abs);
  Int128 forward = 0;
  for (double v : values) forward += scale.to_fixed(v);
  std::mt19937 gen(2);
  std::shuffle(values.begin(), values.end(), gen);
  // Three "ranks" with uneven blocks, merged in another order.
  Int128 a = 0, b = 0, c = 0;
  for (std::size_t i = 0; i < values.size(); ++i) (i < 10 ? a : i < 60000 ? b : c) += scale.to_fixed(values[i]);
  EXPECT_TRUE(forward == (c + a) + b);
  // A plain double sum of the same shuffled values generally differs in the last bits; the
  // fixed-point result matches a long double reference closely.
  long double reference = 0;
  for (double v : values) reference += v;
  EXPECT_NEAR(scale.to_double(forward), static_cast<double>(reference), 1e-9 * max_abs);
}

TEST(ExactSum, ScaleKeepsTheLargestValueBelowTwoToThe62) {
  for (double m : {1e-300, 1e-5, 0.5, 1.0, 3.0, 1e6, 1e300}) {
    const FixedPoint s = FixedPoint::for_max_abs(m);
    const Int128 v = s.to_fixed(m);
    EXPECT_LT(v, Int128{1} << 62) << m;
    EXPECT_GT(v, Int128{1} << 60) << "resolution must stay fine for " << m;
    EXPECT_NEAR(s.to_double(v), m, m * 1e-15);
  }
  EXPECT_TRUE(FixedPoint::for_max_abs(0.0).to_fixed(0.0) == 0);
}

TEST(ClusterSums, PackUnpackAndMergeRoundTrip) {
  custseg::kmeans::ClusterSums a(3, 2), b(3, 2);
  a.sums[1] = 5;
  a.counts[2] = 7;
  a.inertia = 11;
  b.sums[1] = -2;
  b.counts[0] = 1;
  b.inertia = 1;
  custseg::kmeans::ClusterSums c(3, 2);
  c.unpack(a.pack());
  c.merge(b);
  EXPECT_TRUE(c.sums[1] == 3);
  EXPECT_TRUE(c.counts[2] == 7 && c.counts[0] == 1);
  EXPECT_TRUE(c.inertia == 12);
}

// The inline rounding of to_fixed is llrint's: ties to even, negatives, values near 2^62 (the
// largest a scale produces) and random fractions give the same integer.
TEST(ExactSum, InlineRoundingIsLlrint) {
  std::vector<double> xs{0.0, -0.0, 0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 0.49999999999999994, 1e-300, -3.7,
                         4611686018427387904.0, -4611686018427387904.0, 4611686018427386880.5e0};
  std::mt19937_64 gen(3);
  std::uniform_real_distribution<double> any(-1e15, 1e15);
  for (int i = 0; i < 10000; ++i) xs.push_back(any(gen) / 7.0);
  for (double x : xs) EXPECT_EQ(FixedPoint::round_to_int64(x), std::llrint(x)) << x;
}
