// Value parsing for ingest: ids, exact decimals, dates.
#include <gtest/gtest.h>

#include "custseg/ingest/table_columns.hpp"
#include "custseg/ingest/values.hpp"

using namespace custseg::ingest;

TEST(IngestValues, Ids) {
  EXPECT_EQ(parse_id("17850"), 17850U);
  EXPECT_EQ(parse_id("17850.0"), 17850U);  // the Databricks export writes ids as floats
  EXPECT_EQ(parse_id(" 0001 "), 1U);
  EXPECT_FALSE(parse_id("17850.5"));
  EXPECT_FALSE(parse_id("-3"));
  EXPECT_FALSE(parse_id(""));
  EXPECT_FALSE(parse_id("C10001"));
  EXPECT_FALSE(parse_id("99999999999999999999"));  // beyond uint64
}

TEST(IngestValues, FixedPointDecimalsAreExact) {
  EXPECT_EQ(parse_fixed("2.55", 4), 25500);
  EXPECT_EQ(parse_fixed("0.001", 4), 10);  // Online Retail has prices with 3 decimals
  EXPECT_EQ(parse_fixed("18.0", 4), 180000);
  EXPECT_EQ(parse_fixed("-11062.06", 4), -110620600);
  EXPECT_EQ(parse_fixed("+3", 0), 3);
  EXPECT_EQ(parse_fixed(".5", 4), 5000);
  EXPECT_EQ(parse_fixed("6.000", 0), 6);  // extra zeros are fine
  EXPECT_FALSE(parse_fixed("6.5", 0));     // but a fraction that would be rounded is not
  EXPECT_FALSE(parse_fixed("0.00001", 4));
  EXPECT_FALSE(parse_fixed("1e3", 4));
  EXPECT_FALSE(parse_fixed("", 4));
  EXPECT_FALSE(parse_fixed(".", 4));
  EXPECT_FALSE(parse_fixed("12,5", 4));
  EXPECT_FALSE(parse_fixed("99999999999999999", 4));  // overflows int64 at 10^-4 units
}

TEST(IngestValues, TimestampsInIsoAndSpreadsheetForm) {
  const std::int64_t day = days_from_civil(2010, 12, 1);
  EXPECT_EQ(day, 14944);  // 2010-12-01 is day 14944 since 1970-01-01 (date -d 2010-12-01 +%s / 86400)
  EXPECT_EQ(parse_timestamp("2010-12-01 08:26:00"), day * 86400 + 8 * 3600 + 26 * 60);
  EXPECT_EQ(parse_timestamp("12/1/2010 8:26"), day * 86400 + 8 * 3600 + 26 * 60);
  EXPECT_EQ(parse_timestamp("2010-12-01T08:26"), day * 86400 + 8 * 3600 + 26 * 60);
  EXPECT_EQ(parse_timestamp("2010-12-01"), day * 86400);
  EXPECT_EQ(parse_timestamp("2/29/2012"), days_from_civil(2012, 2, 29) * 86400);
  EXPECT_FALSE(parse_timestamp("2/29/2011"));  // not a leap year
  EXPECT_FALSE(parse_timestamp("2010-13-01"));
  EXPECT_FALSE(parse_timestamp("2010-12-01 24:00"));
  EXPECT_FALSE(parse_timestamp("2010-12-01 8:26"));  // ISO wants two-digit hours
  EXPECT_FALSE(parse_timestamp("yesterday"));
  EXPECT_FALSE(parse_timestamp(""));
  EXPECT_EQ(civil_from_days(day), "2010-12-01");
  EXPECT_EQ(format_timestamp(*parse_timestamp("2011-12-09 12:50:00")), "2011-12-09 12:50:00");
  for (std::int64_t d = -800; d < 800000; d += 997) EXPECT_EQ(*parse_timestamp(civil_from_days(d)), d * 86400);
}

TEST(IngestValues, ColumnNamesAndTyping) {
  EXPECT_EQ(column_name("Annual Income (k$)"), "annual_income_k");
  EXPECT_EQ(column_name("Spending Score (1-100)"), "spending_score_1_100");
  EXPECT_EQ(column_name("PURCHASES_TRX"), "purchases_trx");
  EXPECT_EQ(column_name("2nd"), "col_2nd");

  ColumnProfile ints, gaps, floats, labels;
  for (const char* v : {"1", "2", "0003"}) ints.add(v);
  for (const char* v : {"1", "", "NA"}) gaps.add(v);
  for (const char* v : {"1", "2.5", "1e3"}) floats.add(v);
  for (const char* v : {"Male", "1", "Female"}) labels.add(v);
  EXPECT_EQ(ints.type(), ColumnType::int32);
  EXPECT_EQ(gaps.type(), ColumnType::float64);  // NaN needs a float column
  EXPECT_EQ(gaps.missing, 2U);
  EXPECT_EQ(floats.type(), ColumnType::float64);
  EXPECT_EQ(labels.type(), ColumnType::categorical);
  ColumnProfile big;
  big.add("3000000000");
  EXPECT_EQ(big.type(), ColumnType::int64);
  // Merging profiles of a split column gives the type of the whole column.
  ColumnProfile left, right;
  left.add("1");
  right.add("x");
  left.merge(right);
  EXPECT_EQ(left.type(), ColumnType::categorical);

  const auto id = split_id("C10001");
  ASSERT_TRUE(id);
  EXPECT_EQ(id->prefix, "C");
  EXPECT_EQ(id->number, 10001U);
  EXPECT_EQ(split_id("0042")->prefix, "");
  EXPECT_FALSE(split_id("C10001X"));
}
