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

}  // namespace custseg::data
