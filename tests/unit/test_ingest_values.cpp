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
  // Names as the source wrote them; only what an HDF5 link name cannot hold is escaped.
  EXPECT_EQ(hdf5_link_name("Annual Income (k$)"), "Annual Income (k$)");
  EXPECT_EQ(hdf5_link_name("PURCHASES_TRX"), "PURCHASES_TRX");
  EXPECT_EQ(hdf5_link_name("Spend/Visit"), "Spend%2FVisit");
  EXPECT_EQ(hdf5_link_name("50% share"), "50%25 share");
  EXPECT_EQ(hdf5_link_name("."), "%2E");
  EXPECT_EQ(hdf5_link_name(".."), "%2E%2E");
  EXPECT_EQ(hdf5_link_name("v1.2"), "v1.2");
  for (const char* name : {"Spend/Visit", "50% share", ".", "a%2Fb", "Annual Income (k$)"})
    EXPECT_EQ(unescape_link_name(hdf5_link_name(name)), name);

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
}

TEST(IngestValues, IdColumnsAreTextualWhenAValueIsNotANumber) {
  for (const char* id : {"C10001", "3f2a9c1e-7b1d-4c55-9a0e-2b7f6d1c8e90", "a1b2c3@example.com", "0x1F"})
    EXPECT_TRUE(looks_textual(id)) << id;
  // Numbers that are not ids are not text: they are refused, never kept as strings.
  for (const char* id : {"17850", "-1", "17850.5", "18446744073709551616", "1e20", "", "NaN", "NA"})
    EXPECT_FALSE(looks_textual(id)) << id;
}

TEST(IngestValues, ColumnNamesResolveAsWrittenEscapedOrIgnoringCase) {
  const std::vector<std::string> columns{"Annual Income (k$)", "Spend%2FVisit", "Total, net", "Age", "AGE2", "x", "X"};
  EXPECT_EQ(resolve_column_name(columns, "Annual Income (k$)"), "Annual Income (k$)");
  EXPECT_EQ(resolve_column_name(columns, "annual income (K$)"), "Annual Income (k$)");
  EXPECT_EQ(resolve_column_name(columns, "Spend/Visit"), "Spend%2FVisit");    // the header name
  EXPECT_EQ(resolve_column_name(columns, "Spend%2FVisit"), "Spend%2FVisit");  // the link name
  EXPECT_EQ(resolve_column_name(columns, "Total%2C net"), "Total, net");  // a comma a --features list cannot hold
  EXPECT_EQ(resolve_column_name(columns, "age"), "Age");
  EXPECT_EQ(resolve_column_name(columns, "x"), "x");   // exact wins over the case-insensitive pair
  EXPECT_FALSE(resolve_column_name(columns, "Income"));
  EXPECT_FALSE(resolve_column_name({"Income", "INCOME"}, "income"));  // ambiguous: refused
}

TEST(IngestValues, DecimalCommas) {
  EXPECT_EQ(with_decimal_point("1.234,56", ','), "1234.56");
  EXPECT_EQ(with_decimal_point("-12,75", ','), "-12.75");
  EXPECT_EQ(with_decimal_point("1.234.567", ','), "1234567");
  EXPECT_EQ(with_decimal_point(",5", ','), ".5");
  EXPECT_FALSE(with_decimal_point("1.5", ','));      // '.' only groups thousands
  EXPECT_FALSE(with_decimal_point("1234.567,8", ','));  // a first group of more than 3 digits
  EXPECT_FALSE(with_decimal_point("1.23,4", ','));
  EXPECT_FALSE(with_decimal_point("1,2,3", ','));
  EXPECT_FALSE(with_decimal_point("1e3", ','));
  EXPECT_EQ(with_decimal_point(" 2.55 ", '.'), "2.55");
  EXPECT_EQ(parse_fixed("1.234,56", 4, ','), 12345600);
  EXPECT_EQ(parse_fixed("12,75", 4, ','), 127500);
  EXPECT_FALSE(parse_fixed("12,75", 4, '.'));
  EXPECT_EQ(parse_number("1.234,5", ','), 1234.5);
  EXPECT_EQ(parse_integer("1.234", ','), 1234);
  EXPECT_FALSE(parse_integer("1,5", ','));
  // A column that only the other mark reads is flagged (ingest refuses it with a hint).
  ColumnProfile euro, plain, text;
  for (const char* v : {"12,75", "1,95", "3"}) euro.add(v);
  for (const char* v : {"12.75", "3"}) plain.add(v);
  for (const char* v : {"12,75", "n/a x"}) text.add(v);
  EXPECT_EQ(euro.type(), ColumnType::categorical);
  EXPECT_TRUE(euro.all_number_other);
  EXPECT_EQ(plain.type(), ColumnType::float64);
  EXPECT_FALSE(text.all_number_other);
  ColumnProfile read_right;
  for (const char* v : {"12,75", "1.001,95"}) read_right.add(v, ',');
  EXPECT_EQ(read_right.type(), ColumnType::float64);
}

TEST(IngestValues, DateFormats) {
  const std::int64_t day = days_from_civil(2011, 1, 13) * 86400;
  EXPECT_EQ(DateFormat("%d/%m/%Y").parse("13/01/2011"), day);
  EXPECT_EQ(DateFormat("%d/%m/%Y").parse(" 13/1/2011 "), day);
  EXPECT_EQ(DateFormat("%m/%d/%Y %H:%M").parse("01/13/2011 08:26"), day + 8 * 3600 + 26 * 60);
  EXPECT_EQ(DateFormat("%Y%m%d").parse("20110113"), day);
  EXPECT_EQ(DateFormat("%Y%m%d").parse("19970101"), days_from_civil(1997, 1, 1) * 86400);
  EXPECT_EQ(DateFormat("%Y-%m-%d").parse("2011-01-13"), day);
  EXPECT_EQ(DateFormat().parse("1/13/2011"), day);  // auto: the spreadsheet form, month first
  EXPECT_FALSE(DateFormat("%d/%m/%Y").parse("30/02/2011"));  // checked against the month
  EXPECT_FALSE(DateFormat("%d/%m/%Y").parse("13/01/2011 junk"));
  EXPECT_FALSE(DateFormat("%Y%m%d").parse("199701011"));  // a digit left over
  EXPECT_FALSE(DateFormat("%Y%m%d").parse("20111301"));
}

TEST(IngestValues, DayFirstReadMonthFirstIsAContradictionNotAGap) {
  EXPECT_EQ(DateFormat("%m/%d/%Y").contradicting_format("13/01/2011"), "%d/%m/%Y");
  EXPECT_EQ(DateFormat("%d/%m/%Y").contradicting_format("12/25/2010"), "%m/%d/%Y");
  EXPECT_EQ(DateFormat("%m/%d/%Y %H:%M").contradicting_format("25/12/2010 10:00"), "%d/%m/%Y %H:%M");
  EXPECT_EQ(DateFormat().contradicting_format("13/1/2011 8:26"), "%d/%m/%Y %H:%M");
  EXPECT_EQ(DateFormat().contradicting_format("13/1/2011"), "%d/%m/%Y");
  EXPECT_FALSE(DateFormat("%m/%d/%Y").contradicting_format("garbage"));
  EXPECT_FALSE(DateFormat("%m/%d/%Y").contradicting_format("32/01/2011"));  // no format reads it
  EXPECT_FALSE(DateFormat("%Y%m%d").contradicting_format("20111301"));  // year first: %Y%d%m is no real format
  EXPECT_FALSE(DateFormat().contradicting_format("2011-13-01"));
}

TEST(IngestValues, DateFormatOptionIsChecked) {
  EXPECT_FALSE(date_format_problem("auto"));
  EXPECT_FALSE(date_format_problem("%d/%m/%Y"));
  EXPECT_FALSE(date_format_problem("%m/%d/%Y %H:%M"));
  EXPECT_FALSE(date_format_problem("%Y%m%d"));
  EXPECT_TRUE(date_format_problem("%d/%m"));       // no year
  EXPECT_TRUE(date_format_problem("%Y-%m-%d %Q"));  // unknown directive
  EXPECT_TRUE(date_format_problem("%Y-%m-%"));
}
