#include <gtest/gtest.h>

#include <cmath>

#include "custseg/data/transform.hpp"
#include "custseg/util/error.hpp"

using namespace custseg::data;

TEST(Transform, ParsesPerFeatureList) {
  const std::vector<std::string> features{"recency_days", "monetary", "web_share"};
  const auto kinds = parse_transform_list(" monetary:log1p , recency_days : log1p", features);
  EXPECT_EQ(kinds[0], TransformKind::log1p);
  EXPECT_EQ(kinds[1], TransformKind::log1p);
  EXPECT_EQ(kinds[2], TransformKind::none);
  EXPECT_THROW(parse_transform_list("age:log1p", features), custseg::Error);
  EXPECT_THROW(parse_transform_list("monetary:sqrt", features), custseg::Error);
  EXPECT_THROW(parse_transform_list("monetary", features), custseg::Error);
}

// One KIND alone is every feature's transform: `--transform none` on the command line replaces a
// config file's list written for another table (issue 13: the Slurm templates on Mall Customers).
TEST(Transform, OneKindAloneAppliesToEveryFeature) {
  const std::vector<std::string> features{"Annual Income (k$)", "Spending Score (1-100)"};
  EXPECT_EQ(parse_transform_list(" none ", features), (std::vector{TransformKind::none, TransformKind::none}));
  EXPECT_EQ(parse_transform_list("log1p", features), (std::vector{TransformKind::log1p, TransformKind::log1p}));
  EXPECT_THROW(parse_transform_list("sqrt", features), custseg::Error);
  try {
    parse_transform_list("recency_days:log1p", features);
    ADD_FAILURE() << "a transform of a column that is not a feature was accepted";
  } catch (const custseg::Error& e) {
    EXPECT_NE(std::string(e.what()).find("--transform none"), std::string::npos) << e.what();
  }
}

TEST(Transform, RoundTripsBetweenOriginalAndScaledUnits) {
  FeatureScaling s{{"a", "b"}, {TransformKind::log1p, TransformKind::none}, {2.0, -1.0}, {0.5, 4.0}};
  const std::vector<double> original{120.0, 3.0};
  const auto scaled = to_scaled_units(s, original);
  EXPECT_NEAR(scaled[0], (std::log1p(120.0) - 2.0) / 0.5, 1e-12);
  EXPECT_NEAR(scaled[1], 1.0, 1e-12);
  const auto back = to_original_units(s, scaled);
  EXPECT_NEAR(back[0], 120.0, 1e-9);
  EXPECT_NEAR(back[1], 3.0, 1e-12);
}

TEST(Transform, ApplyInPlace) {
  FeatureMatrix m;
  m.rows = 2;
  m.dims = 2;
  m.values = {0.0, 5.0, std::expm1(1.0), 6.0};
  apply_transforms({TransformKind::log1p, TransformKind::none}, m);
  EXPECT_DOUBLE_EQ(m.values[0], 0.0);
  EXPECT_DOUBLE_EQ(m.values[2], 1.0);
  EXPECT_DOUBLE_EQ(m.values[3], 6.0);
}
