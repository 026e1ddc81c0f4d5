// The hand-written SVG helpers: escaping (names come from column names), number formats, scales
// and the index colour scale the heatmap relies on.
#include <gtest/gtest.h>

#include <cmath>

#include "custseg/report/svg.hpp"

namespace svg = custseg::report::svg;

TEST(Svg, EscapesMarkup) {
  EXPECT_EQ(svg::escape("a<b & \"c\" 'd'>"), "a&lt;b &amp; &quot;c&quot; &#39;d&#39;&gt;");
}

TEST(Svg, NumberFormats) {
  EXPECT_EQ(svg::format_number(1234567.4), "1,234,567");
  EXPECT_EQ(svg::format_number(-20000), "-20,000");
  EXPECT_EQ(svg::format_number(123.4), "123");
  EXPECT_EQ(svg::format_number(4372), "4,372") << "every figure of four digits is grouped alike";
  EXPECT_EQ(svg::format_number(0.61234), "0.612");
  EXPECT_EQ(svg::format_number(std::nan("")), "\u2013");
  EXPECT_EQ(svg::format_percent(0.1234), "12.3%");
}

TEST(Svg, LinearAndLog1pScales) {
  const svg::Scale linear{0, 10, 100, 200};
  EXPECT_DOUBLE_EQ(linear(5), 150);
  EXPECT_EQ(linear.ticks(5), (std::vector<double>{0, 2, 4, 6, 8, 10}));
  const svg::Scale log{0, 999, 0, 300, true};
  EXPECT_NEAR(log(std::expm1(std::log1p(999) / 3)), 100, 1e-9);
  const auto ticks = log.ticks(5);
  EXPECT_EQ(ticks.front(), 0);
  EXPECT_EQ(ticks.back(), 300);
}

TEST(Svg, IndexColoursDivergeAroundOneHundred) {
  EXPECT_EQ(svg::index_colour(100), "#ffffff");
  EXPECT_EQ(svg::index_colour(300), "#b2182b");   // saturated red at 3x the average
  EXPECT_EQ(svg::index_colour(1000), "#b2182b");  // and beyond
  EXPECT_EQ(svg::index_colour(100.0 / 3), "#2166ac");
  EXPECT_EQ(svg::text_colour_on("#b2182b"), "#ffffff");
  EXPECT_EQ(svg::text_colour_on("#ffffff"), "#1a1a1a");
}

TEST(Svg, TextWidthGrowsWithTheTextAndUpperCaseIsWider) {
  EXPECT_EQ(svg::text_width("", 12), 0.0);
  EXPECT_GT(svg::text_width("PURCHASES_FREQUENCY", 12), svg::text_width("purchases_frequency", 12));
  EXPECT_DOUBLE_EQ(svg::text_width("ab", 24), 2 * svg::text_width("ab", 12));
  // One character however many UTF-8 bytes: "·" (2 bytes) counts as one wide character.
  EXPECT_DOUBLE_EQ(svg::text_width("\u00b7", 12), svg::text_width("#", 12));
}

TEST(Svg, WrapTextSplitsAtSpacesAndNeverShortens) {
  const std::string name = "3 \u00b7 high CASH_ADVANCE, high CASH_ADVANCE_FREQUENCY, low PURCHASES";
  const auto lines = svg::wrap_text(name, 250, 12);
  ASSERT_EQ(lines.size(), 2U);
  EXPECT_LE(svg::text_width(lines[0], 12), 250);
  EXPECT_EQ(lines[0] + " " + lines[1], name);  // every word kept, in order
  EXPECT_EQ(svg::wrap_text("short", 250, 12), std::vector<std::string>{"short"});
  // A word longer than the width stays whole on its own line.
  EXPECT_EQ(svg::wrap_text("PURCHASES_INSTALLMENTS_FREQUENCY", 50, 12),
            std::vector<std::string>{"PURCHASES_INSTALLMENTS_FREQUENCY"});
  EXPECT_EQ(svg::wrap_text("a b c", 1, 12, 2), (std::vector<std::string>{"a", "b c"}));
}
