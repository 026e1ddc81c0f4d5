// The local parts of custseg compare (docs/compare.md): the join of two periods' rows, the
// adjusted Rand index from the contingency table, and the population stability index, each
// against values computed independently (by hand, scikit-learn, numpy).
#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>
#include <sstream>

#include "custseg/compare/migration.hpp"
#include "custseg/report/compare_reports.hpp"

using namespace custseg;
using namespace custseg::compare;

namespace {

PeriodRows rows(std::vector<std::string> keys, std::vector<std::int32_t> segment, std::vector<double> kpis = {}) {
  return PeriodRows{std::move(keys), std::move(segment), std::move(kpis)};
}

}  // namespace

TEST(CompareJoin, CountsMovesNewAndLostInAnyRowOrder) {
  // previous: a->0 b->0 c->1 d->1 ; current: b->1 a->0 e->0 c->1 (d lost, e new)
  auto prev = rows({"d", "a", "c", "b"}, {1, 0, 1, 0}, {4, 1, 3, 2});
  auto cur = rows({"e", "c", "a", "b"}, {0, 1, 0, 1}, {50, 30, 10, 20});
  const std::vector<FixedPoint> scales{FixedPoint::for_max_abs(50)};
  const JoinOutcome j = join_periods(prev, cur, 2, 2, scales);
  ASSERT_FALSE(j.repeated_previous);
  ASSERT_FALSE(j.repeated_current);
  // rows: prev 0, prev 1, new; cols: cur 0, cur 1, lost
  EXPECT_EQ(j.tally.counts, (std::vector<std::int64_t>{1, 1, 0, 0, 1, 1, 1, 0, 0}));
  // Previous values for customers of the previous run, current values for new ones.
  EXPECT_EQ(scales[0].to_double(j.tally.kpi_sums[1]), 2.0);  // b: 0 -> 1, previous value 2
  EXPECT_EQ(scales[0].to_double(j.tally.kpi_sums[5]), 4.0);  // d lost
  EXPECT_EQ(scales[0].to_double(j.tally.kpi_sums[6]), 50.0);  // e new
}

TEST(CompareJoin, NamesTheSmallestRepeatedId) {
  auto prev = rows({"z", "q", "z", "q"}, {0, 0, 0, 0});
  auto cur = rows({"a"}, {0});
  const JoinOutcome j = join_periods(prev, cur, 1, 1, {});
  ASSERT_TRUE(j.repeated_previous);
  EXPECT_EQ(*j.repeated_previous, "q");
  EXPECT_FALSE(j.repeated_current);
}

TEST(CompareAri, EqualsScikitLearnOnAContingencyTable) {
  // a = [0,0,0,1,1,1,2,2], b = [0,0,1,1,1,2,2,2]: sklearn adjusted_rand_score = 0.23809523809523808.
  // 3 x 3 table plus the new row and lost column (ignored).
  const std::vector<std::int64_t> counts{2, 1, 0, 7, 0, 2, 1, 7, 0, 0, 2, 7, 9, 9, 9, 0};
  EXPECT_NEAR(adjusted_rand_index(counts, 3, 3), 0.23809523809523808, 1e-15);
  const std::vector<std::int64_t> same{3, 0, 0, 0, 4, 0, 0, 0, 0};
  EXPECT_DOUBLE_EQ(adjusted_rand_index(same, 2, 2), 1.0);
  EXPECT_TRUE(std::isnan(adjusted_rand_index(std::vector<std::int64_t>(9, 0), 2, 2)));
}

// The degenerate tables where the textbook formula is 0/0, against scikit-learn 1.2's
// adjusted_rand_score (values in the comments); n = 0 stays NaN (null in report.json, documented).
TEST(CompareAri, FollowsScikitLearnWhereTheFormulaVanishes) {
  // One customer in both runs: adjusted_rand_score([0], [3]) = 1.0 (2 x 4 table, + new row and lost column).
  std::vector<std::int64_t> one(3 * 5, 0);
  one[0 * 5 + 3] = 1;
  EXPECT_EQ(adjusted_rand_index(one, 2, 4), 1.0);
  // Everyone in one segment in both: adjusted_rand_score([0,0,0], [1,1,1]) = 1.0.
  const std::vector<std::int64_t> lumped{0, 0, 0, 0, 3, 0, 0, 0, 0};
  EXPECT_EQ(adjusted_rand_index(lumped, 2, 2), 1.0);
  // Everyone alone in both: adjusted_rand_score([0,1,2], [2,0,1]) = 1.0.
  const std::vector<std::int64_t> alone{0, 0, 1, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0};
  EXPECT_EQ(adjusted_rand_index(alone, 3, 3), 1.0);
  // Trivial in different ways: adjusted_rand_score([0,0,0], [0,1,2]) = 0.0, and 0.0 the other way round.
  const std::vector<std::int64_t> lumped_vs_alone{1, 1, 1, 0, 0, 0, 0, 0};
  EXPECT_EQ(adjusted_rand_index(lumped_vs_alone, 1, 3), 0.0);
  const std::vector<std::int64_t> alone_vs_lumped{1, 0, 1, 0, 1, 0, 0, 0};
  EXPECT_EQ(adjusted_rand_index(alone_vs_lumped, 3, 1), 0.0);
  // Two customers split by one run only: adjusted_rand_score([0,0], [0,1]) = 0.0.
  const std::vector<std::int64_t> split{1, 1, 0, 0, 0, 0};
  EXPECT_EQ(adjusted_rand_index(split, 1, 2), 0.0);
}

TEST(ComparePsi, EqualsNumpyWithTheEpsilonForEmptyBins) {
  // numpy: shares floored at 1e-4, sum((b - a) * log(b / a)) = 8.723433906945935.
  EXPECT_NEAR(population_stability({5, 5, 0, 10}, {2, 8, 10, 0}), 8.723433906945935, 1e-12);
  EXPECT_DOUBLE_EQ(population_stability({1, 2, 3}, {2, 4, 6}), 0.0);
  EXPECT_EQ(psi_reading(0.05), "stable");
  EXPECT_EQ(psi_reading(0.2), "moderate");
  EXPECT_EQ(psi_reading(0.3), "major");
}

TEST(ComparePsi, AValueOnAnEdgeFallsInTheLowerBin) {
  const std::vector<double> edges{1, 2, 2, 3};  // searchsorted(edges, x, side='left')
  EXPECT_EQ(psi_bin(0.5, edges), 0);
  EXPECT_EQ(psi_bin(1.0, edges), 0);
  EXPECT_EQ(psi_bin(2.0, edges), 1);
  EXPECT_EQ(psi_bin(2.5, edges), 3);
  EXPECT_EQ(psi_bin(9.0, edges), 4);
}

// compare's outputs list both runs' segments by stable ID (not by k-means index), then new / lost;
// migration.csv has no (new, lost) line; each cell keeps its own count wherever it is listed.
TEST(CompareOutputs, SegmentsInStableIdOrder) {
  CompareResult r;
  r.previous.k = 2;
  r.previous.segment_ids = {5, 1};  // index 0 is ID 5
  r.current.k = 3;
  r.current.segment_ids = {7, 1, 4};
  // rows: index 0 (ID 5), index 1 (ID 1), new; columns: ID 7, ID 1, ID 4, lost. Count = 10 row + col.
  r.counts = {0, 1, 2, 3, 10, 11, 12, 13, 20, 21, 22, 0};
  r.drift.computable = true;  // no ID in both: a note, not an empty table
  EXPECT_EQ(report::row_order(r), (std::vector<std::size_t>{1, 0, 2}));
  EXPECT_EQ(report::col_order(r), (std::vector<std::size_t>{1, 2, 0, 3}));
  std::istringstream csv(report::migration_csv(r));
  std::string line, cells;
  std::getline(csv, line);
  while (std::getline(csv, line)) cells += line.substr(0, line.find(',', line.find(',', line.find(',') + 1) + 1)) + ";";
  EXPECT_EQ(cells, "1,1,11;1,4,12;1,7,10;1,lost,13;5,1,1;5,4,2;5,7,0;5,lost,3;new,1,21;new,4,22;new,7,20;");
  const auto j = nlohmann::json::parse(report::compare_json(r));
  EXPECT_EQ(j["migration"]["rows"], nlohmann::json::array({"1", "5", "new"}));
  EXPECT_EQ(j["migration"]["columns"], nlohmann::json::array({"1", "4", "7", "lost"}));
  EXPECT_EQ(j["migration"]["customers"][0], nlohmann::json::array({11, 12, 10, 13}));
  EXPECT_EQ(j["migration"]["customers"][2], nlohmann::json::array({21, 22, 20, 0}));
  const std::string html = report::compare_html(r);
  const auto at = [&](const std::string& s) { return html.find(s); };
  EXPECT_LT(at(">1</text>"), at(">4</text>"));
  EXPECT_LT(at(">4</text>"), at(">7</text>"));
  EXPECT_LT(at(">7</text>"), at(">lost</text>"));
  EXPECT_NE(at("No segment ID is in both runs"), std::string::npos);
  EXPECT_EQ(at("distance (previous scaled space)"), std::string::npos);
}
