// sweep --k (config/k_values.hpp): ranges with ':' or '-', lists, and every malformed form refused
// as a usage error that quotes the text (issue 13: "2-6" once ran k = 2 alone, "5" a sweep of one).
#include <gtest/gtest.h>

#include "custseg/config/k_values.hpp"
#include "custseg/util/error.hpp"

namespace custseg::config {
namespace {

using Ks = std::vector<std::int64_t>;

std::string refusal(const std::string& text) {
  try {
    parse_k_values(text);
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::usage) << text;
    return e.what();
  }
  ADD_FAILURE() << "'" << text << "' was accepted";
  return "";
}

TEST(SweepKValues, ColonAndDashRangesAreInclusive) {
  EXPECT_EQ(parse_k_values("2:6"), (Ks{2, 3, 4, 5, 6}));
  EXPECT_EQ(parse_k_values("2-6"), (Ks{2, 3, 4, 5, 6}));
  EXPECT_EQ(parse_k_values("1:2"), (Ks{1, 2}));
  EXPECT_EQ(parse_k_values("1:64").size(), kMaxSweepValues);
}

TEST(SweepKValues, AListIsSortedWithoutRepeats) {
  EXPECT_EQ(parse_k_values("2,4,6"), (Ks{2, 4, 6}));
  EXPECT_EQ(parse_k_values("8,3,8,5"), (Ks{3, 5, 8}));
}

TEST(SweepKValues, MalformedTextIsRefusedNamingIt) {
  for (const char* text : {"2:x", "2:", ":6", "2-", "x", "", "2,,4", "2,4,", "2:6:8", "2-6x", "2 :6", "2,3-5", "1e1:12"}) {
    const std::string message = refusal(text);
    EXPECT_NE(message.find("(got '" + std::string(text) + "')"), std::string::npos) << message;
  }
}

TEST(SweepKValues, OutOfRangeValuesAreRefused) {
  EXPECT_NE(refusal("6:2").find("MAX is below MIN"), std::string::npos);
  EXPECT_NE(refusal("0:3").find("at least 1"), std::string::npos);
  EXPECT_NE(refusal("2,-1").find("at least 1"), std::string::npos);
  EXPECT_NE(refusal("-1:3").find("not a whole number"), std::string::npos);
  EXPECT_NE(refusal("1:65").find("more than 64"), std::string::npos);
  EXPECT_NE(refusal("2:99999999999999999999").find("not a whole number"), std::string::npos);
}

TEST(SweepKValues, OneValueIsNoSweep) {
  for (const char* text : {"5", "5:5", "5,5"})
    EXPECT_NE(refusal(text).find("at least two values of k; for one k run 'custseg segment --k 5'"), std::string::npos)
        << text;
}

}  // namespace
}  // namespace custseg::config
