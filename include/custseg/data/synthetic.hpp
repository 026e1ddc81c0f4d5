#pragma once
// The synthetic customer table of `custseg generate`: customers drawn from a handful of
// archetypes with realistic shapes (skewed spend, counts, rates in [0,1]). Every value is a pure
// function of (seed, global row), so any split over ranks writes the same bytes.
#include <cstdint>
#include <string>
#include <vector>

#include "custseg/io/partition.hpp"

namespace custseg::data {

// Column names of the generated table, grouped by role (DESIGN.md, "Data on disk").
const std::vector<std::string>& behavioural_columns();  // the default k-means features
// Eight more behavioural columns written by `generate --wide` (16 in all), for benchmarks and
// tests that need a wider table; they are never default features.
const std::vector<std::string>& engagement_columns();
const std::vector<std::string>& archetype_names();      // labels of `true_segment`
const std::vector<std::string>& region_names();
const std::vector<std::string>& gender_names();

// One block of generated rows, column by column (structure of arrays).
struct SyntheticBlock {
  std::vector<std::uint64_t> customer_id;
  std::vector<double> recency_days, monetary, avg_basket, discount_share, web_share, email_open_rate, revenue_12m;
  std::vector<std::int32_t> frequency, tenure_days, age, region, gender, churned, true_segment;
  // engagement[c] is column engagement_columns()[c]; empty unless the table is wide.
  std::vector<std::vector<double>> engagement;
  void resize(std::size_t n, bool wide = false);
};

// Fills `out` with rows [block.begin, block.end()) of the table for `seed` (TBB-parallel);
// `wide` adds the engagement columns. The other columns do not depend on `wide`.
void generate_block(std::uint64_t seed, const io::RowBlock& block, SyntheticBlock& out, bool wide = false);

// `generate --period 2`: the customer base of period 1 (same --seed and --rows) one quarter
// later (docs/segment-ids.md). Exactly `lost` = round(10%) of the period-1 customers are gone, the
// `kept` others keep their id, demographics and archetype with behaviour moved by `drift`, and
// `added` = round(15%) new customers (ids after period 1's, drawn from the "new customers"
// archetype) join; the rows are in a shuffled order (a keyed permutation). Every row is a pure
// function of (seed, base_rows, drift, output row): any rank split writes the same bytes.
struct PeriodTwoPlan {
  static constexpr double kLostShare = 0.10, kAddedShare = 0.15;
  static constexpr double kLapseShare = 0.20;   // of kept loyal/bargain customers, times drift (capped at 1)
  static constexpr double kRampUpShare = 0.50;  // of kept new customers, times drift (capped at 1)
  static constexpr int kDaysLater = 91;         // tenure grows by one quarter
  // --drift's upper bound: at 5 every kept loyal and bargain customer lapses (kLapseShare x 5 = 1)
  // and recency is x41 + 300 days; beyond, values leave any plausible range (drift 100: recency in
  // the tens of thousands of days, monetary ~1e15), which no quarter of real data resembles.
  static constexpr double kMaxDrift = 5.0;
  std::uint64_t base_rows = 0, lost = 0, kept = 0, added = 0, rows = 0;
};
PeriodTwoPlan period_two_plan(std::uint64_t base_rows);

// Rows [block.begin, block.end()) of period 2; drift >= 0 scales how far kept customers move
// (0: behaviour unchanged apart from tenure).
void generate_period_two_block(std::uint64_t seed, const PeriodTwoPlan& plan, double drift, const io::RowBlock& block,
                               SyntheticBlock& out, bool wide = false);

}  // namespace custseg::data
