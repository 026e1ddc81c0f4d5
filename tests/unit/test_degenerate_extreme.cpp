// Degenerate and extreme data in the local (MPI-free) pieces: the exact test for "fewer distinct
// rows than k", re-seeding that never puts two centroids on one point, the magnitude limits of
// feature values, and centring without standardization (docs/degenerate-and-extreme-data.md).
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "../../src/kmeans/reseed.hpp"
#include "custseg/data/transform.hpp"
#include "custseg/util/error.hpp"
#include "custseg/util/fixed_point.hpp"

using namespace custseg;

namespace {

data::FeatureMatrix matrix(std::size_t d, const std::vector<double>& values) {
  data::FeatureMatrix m;
  m.dims = d;
  m.rows = values.size() / d;
  m.values = values;
  return m;
}

kmeans::ClusterSums counts_of(std::size_t k, std::size_t d, const std::vector<int>& counts) {
  kmeans::ClusterSums s(k, d);
  for (std::size_t c = 0; c < k; ++c) s.counts[c] = counts[c];
  return s;
}

std::vector<std::size_t> one_point(const data::FeatureMatrix& x, const std::vector<std::int32_t>& labels,
                                   const std::vector<int>& counts) {
  std::vector<double> extents = kmeans::detail::empty_cluster_extents(counts.size(), x.dims);
  kmeans::detail::merge_cluster_extents(x, labels, extents);
  return kmeans::detail::one_point_clusters(extents, counts_of(counts.size(), x.dims, counts));
}

}  // namespace

TEST(FewerDistinct, ClustersOfOnePointEachAreFound) {
  // Rows: (1,2) twice, (3,4) once; cluster 2 is empty.
  const auto x = matrix(2, {1, 2, 3, 4, 1, 2});
  EXPECT_EQ(one_point(x, {0, 1, 0}, {2, 1, 0}), (std::vector<std::size_t>{0, 1}));
}

TEST(FewerDistinct, AClusterOfTwoPointsIsNotDegenerate) {
  // Cluster 0 holds (1,2) and (1,2.5): re-seeding can still split it.
  const auto x = matrix(2, {1, 2, 3, 4, 1, 2.5});
  EXPECT_TRUE(one_point(x, {0, 1, 0}, {2, 1, 0}).empty());
}

TEST(FewerDistinct, ExtentsMergeInAnyOrder) {
  // Two halves of the rows merged in either order give the same extents (max is associative).
  const auto a = matrix(1, {5, -1}), b = matrix(1, {7});
  std::vector<double> ab = kmeans::detail::empty_cluster_extents(1, 1), ba = ab;
  kmeans::detail::merge_cluster_extents(a, std::vector<std::int32_t>{0, 0}, ab);
  kmeans::detail::merge_cluster_extents(b, std::vector<std::int32_t>{0}, ab);
  kmeans::detail::merge_cluster_extents(b, std::vector<std::int32_t>{0}, ba);
  kmeans::detail::merge_cluster_extents(a, std::vector<std::int32_t>{0, 0}, ba);
  EXPECT_EQ(ab, ba);
  EXPECT_EQ(ab, (std::vector<double>{7, 1}));  // [max | -min]
}

TEST(FewerDistinct, FloatStorageComparesTheStoredValues) {
  // 1 and 1 + 1e-12 are one float32 value: k-means sees a single point.
  auto x = matrix(1, {1.0, 1.0 + 1e-12});
  x.store_as(data::Precision::float32);
  EXPECT_EQ(one_point(x, {0, 0}, {2, 0}), (std::vector<std::size_t>{0}));
}

TEST(Reseed, DuplicateCandidatesSeedOneClusterOnly) {
  using kmeans::detail::FarRow;
  // The two farthest rows are the same point; the second empty cluster takes the next distinct row.
  std::vector<FarRow> pool{{9.0, 4, {5.0, 5.0}}, {9.0, 7, {5.0, 5.0}}, {4.0, 2, {1.0, 0.0}}};
  std::vector<double> centroids(6, 0.0);
  kmeans::detail::reseed_from(pool, {1, 2}, centroids);
  EXPECT_EQ(centroids, (std::vector<double>{0, 0, 5, 5, 1, 0}));
}

TEST(FeatureMagnitude, SentinelsAndNonFiniteValuesAreUnusable) {
  EXPECT_TRUE(data::usable_value(0.0, 0.0));
  EXPECT_TRUE(data::usable_value(-1e120, -1e120));
  EXPECT_FALSE(data::usable_value(1e200, 1e200));
  EXPECT_FALSE(data::usable_value(-std::numeric_limits<double>::max(), -std::numeric_limits<double>::max()));
  EXPECT_FALSE(data::usable_value(std::nan(""), std::nan("")));
  EXPECT_FALSE(data::usable_value(INFINITY, INFINITY));
  // log1p(1e200) = 460.5 is small, but the statistics in original units square the raw value.
  EXPECT_FALSE(data::usable_value(1e200, std::log1p(1e200)));
  // Squares of accepted values, summed with every headroom the sums use, stay finite.
  const double m = data::kMaxFeatureMagnitude;
  EXPECT_TRUE(std::isfinite(4.0 * m * m * 0x1p11 * 0x1p64 * 0x1p20));
}

TEST(FeatureMagnitude, MessageNamesFeatureValueAndRow) {
  const std::string msg = data::unusable_value_message("monetary", 1e200, data::TransformKind::none, 1e200, 57);
  EXPECT_NE(msg.find("feature 'monetary' is 1e+200 at row 57"), std::string::npos) << msg;
  EXPECT_NE(msg.find("overflow"), std::string::npos) << msg;
}

TEST(FeatureMagnitude, Float32KMeansSpaceIsBounded) {
  const auto wide = matrix(2, {0.0, 1.0, 0.0, 3e16});
  const std::vector<std::string> names{"a", "card_number"};
  try {
    data::check_kmeans_range(wide, names, data::Precision::float32);
    ADD_FAILURE() << "3e16 in float32 storage was accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::input);
    EXPECT_NE(std::string(e.what()).find("'card_number'"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("row 1"), std::string::npos) << e.what();
  }
  EXPECT_NO_THROW(data::check_kmeans_range(wide, names, data::Precision::float64));
  EXPECT_NO_THROW(data::check_kmeans_range(matrix(1, {-1e15, 1e15}), {"ok"}, data::Precision::float32));
}

TEST(Centring, StandardizeWithScaleOneCentresExactlyAndRoundTrips) {
  // Timestamps near 1.7e9 with a spread of 1e3: centring leaves the spread, exactly here.
  data::FeatureScaling s{{"ts"}, {data::TransformKind::none}, {1.7e9 + 250.0}, {40.0}};
  auto x = matrix(1, {1.7e9, 1.7e9 + 500.0});
  s.scale = {1.0};
  data::standardize(s, x);
  EXPECT_EQ(x.values, (std::vector<double>{-250.0, 250.0}));
  x.store_as(data::Precision::float32);  // the spread survives float32 storage
  EXPECT_EQ(x.values32, (std::vector<float>{-250.0f, 250.0f}));
  EXPECT_EQ(data::to_original_units(s, {-250.0}), (std::vector<double>{1.7e9}));
}

TEST(Centring, CenterOnlyKeepsTheMeanAndReturnsTheMeanVariance) {
  data::FeatureScaling s{{"ts", "acct"}, {data::TransformKind::none, data::TransformKind::none}, {1.7e9, 4.2e12},
                         {30.0, 40.0}};
  EXPECT_EQ(data::center_only(s), (900.0 + 1600.0) / 2);
  EXPECT_EQ(s.mean, (std::vector<double>{1.7e9, 4.2e12}));
  EXPECT_EQ(s.scale, (std::vector<double>{1.0, 1.0}));
}

TEST(DeviationBound, KeepsTheOldBoundForOrdinaryDataAndTheSpreadForOffsets) {
  // Ordinary data (values in [3, 8], mean 6): the old max_abs + |mean| = 14, bit for bit.
  EXPECT_EQ(deviation_bound(14.0, 3.0), 14.0);
  // Account numbers near 4.2e12 with spread 1e4: the old bound 8.4e12 would put the grid of the
  // squared deviations (2^-61 of 7e25, about 3e7) above the squares themselves (up to 2.5e7).
  EXPECT_EQ(deviation_bound(8.4e12, 5e3), 1e4);
  const double tight = deviation_bound(8.4e12, 5e3);
  EXPECT_GT(FixedPoint::for_max_abs(tight * tight).to_fixed(200.0 * 200.0), 1LL << 30);  // resolved
  EXPECT_EQ(FixedPoint::for_max_abs(8.4e12 * 8.4e12).to_fixed(200.0 * 200.0), 0);  // was lost
  EXPECT_EQ(deviation_bound(5.0, -INFINITY), 5.0);  // no values
}

TEST(SquareScale, SameIntegersAsPlainSquaresAndNoUnderflow) {
  // Ordinary range: the prescale is exact, so the fixed-point integers are the plain ones.
  const SquareScale ordinary = SquareScale::for_bound(14.0);
  const FixedPoint plain = FixedPoint::for_max_abs(14.0 * 14.0);
  for (double dev : {-13.9, -1.0 / 3.0, 0.0, 2.5e-7, 7.77})
    EXPECT_EQ(ordinary.to_fixed(dev), plain.to_fixed(dev * dev)) << dev;
  // 1e-300: the plain square is 0; prescaled, the standard deviation is resolved.
  const SquareScale tiny = SquareScale::for_bound(3e-300);
  const Int128 sum = tiny.to_fixed(1e-300) + tiny.to_fixed(-1e-300);
  EXPECT_NEAR(tiny.to_std(sum, 2.0), 1e-300, 1e-314);
  // 1e150: the plain square would overflow to inf.
  const SquareScale huge = SquareScale::for_bound(3e150);
  EXPECT_NEAR(huge.to_std(huge.to_fixed(2e150), 1.0), 2e150, 1e136);
}
