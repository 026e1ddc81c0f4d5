// number_text, the one decimal formatter of option defaults, messages, fairness group labels and
// the holdout_length attribute: the shortest round-trip text without a digit count, printf's
// %.<digits>g with one (the two formatters it replaced wrote exactly that).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "custseg/util/number_text.hpp"

using custseg::number_text;

namespace {

std::string printf_g(double v, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*g", digits, v);
  return buf;
}

}  // namespace

TEST(NumberText, ShortestTextReadsBackExactly) {
  EXPECT_EQ(number_text(0.8), "0.8");
  EXPECT_EQ(number_text(0.0001), "0.0001");
  EXPECT_EQ(number_text(39), "39");
  EXPECT_EQ(number_text(1e-300), "1e-300");
  EXPECT_EQ(number_text(10000), "10000");
  for (const double v : {0.1 + 0.2, 1.0 / 3.0, 52.5, 1e22, -7.25e-5})
    EXPECT_EQ(std::strtod(number_text(v).c_str(), nullptr), v) << number_text(v);
}

TEST(NumberText, SignificantDigitsAsPrintfWritesThem) {
  for (const int digits : {3, 6, 10})
    for (const double v : {0.0, 1.0 / 3.0, 52341.5, 123456789.0, -0.000123456789, 1e7, 4.2857142857142856, 2.5e-9})
      EXPECT_EQ(number_text(v, digits), printf_g(v, digits)) << v << " at " << digits << " digits";
  EXPECT_EQ(number_text(1.0 / 3.0, 6), "0.333333");
  EXPECT_EQ(number_text(30.0 / 7.0, 10), "4.285714286");
}
