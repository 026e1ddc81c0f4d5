// The pure local step of the exact quantiles (quantile_selection.hpp), without MPI: one pass's
// histograms against a brute-force count, the merge of two halves against the whole (what the
// reduction across ranks relies on), and a serial selection loop against a sort.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <span>
#include <vector>

#include "custseg/stats/quantile_selection.hpp"

namespace stats = custseg::stats;

namespace {

struct Rows {
  std::vector<double> values;
  std::vector<std::int32_t> labels;
  [[nodiscard]] std::vector<std::uint64_t> keys() const {
    std::vector<std::uint64_t> out;
    for (double v : values) out.push_back(stats::order_key(v));
    return out;
  }
};

// Ties, negatives, signed zeros and a wide range; every 7th row is unlabelled (-1).
Rows make_rows(std::size_t n, std::size_t k) {
  Rows r;
  std::uint64_t state = 12345;
  for (std::size_t i = 0; i < n; ++i) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    const auto bits = static_cast<std::int64_t>(state >> 40);
    const double v = i % 5 == 0 ? std::ldexp(static_cast<double>(bits % 1000), static_cast<int>(i % 40) - 20)
                                : static_cast<double>(bits % 17 - 8);
    r.values.push_back(i % 11 == 0 ? -0.0 : v);
    r.labels.push_back(i % 7 == 3 ? -1 : static_cast<std::int32_t>(state >> 60) % static_cast<std::int32_t>(k));
  }
  return r;
}

stats::Histograms merged(const stats::Histograms& a, const stats::Histograms& b) {
  stats::Histograms m = a;
  for (std::size_t i = 0; i < m.count.size(); ++i) m.count[i] += b.count[i];
  for (std::size_t i = 0; i < m.extremes.size(); ++i) m.extremes[i] = std::max(m.extremes[i], b.extremes[i]);
  return m;
}

std::vector<double> sorted_group(const Rows& r, std::size_t k, std::size_t g) {
  std::vector<double> v;
  for (std::size_t i = 0; i < r.values.size(); ++i)
    if (r.labels[i] >= 0 && (g == k || static_cast<std::size_t>(r.labels[i]) == g)) v.push_back(r.values[i]);
  std::sort(v.begin(), v.end());
  return v;
}

}  // namespace

TEST(QuantileSelection, KeysAreGroupedByLabelWithUnlabelledRowsLeftOut) {
  const std::size_t k = 3;
  Rows r = make_rows(500, k);
  r.values[3] = std::nan("");  // row 3 is unlabelled (i % 7 == 3): never read as a key
  const stats::GroupedKeys rows = stats::group_keys(r.values, r.labels, k);
  EXPECT_EQ(stats::group_counts(rows, k), stats::group_counts(r.labels, k));
  for (std::size_t g = 0; g < k; ++g) {
    std::vector<std::uint64_t> want;
    for (std::size_t i = 0; i < r.values.size(); ++i)
      if (r.labels[i] == static_cast<std::int32_t>(g)) want.push_back(stats::order_key(r.values[i]));
    const auto at = rows.keys.begin();
    EXPECT_EQ(std::vector<std::uint64_t>(at + static_cast<std::ptrdiff_t>(rows.begin[g]),
                                         at + static_cast<std::ptrdiff_t>(rows.begin[g + 1])),
              want);  // in row order within the group
  }
}

TEST(QuantileSelection, FirstPassCountsEveryLabelledRowByTopByte) {
  const std::size_t k = 3;
  const Rows r = make_rows(2000, k);
  const auto keys = r.keys();
  stats::GroupedKeys rows = stats::group_keys(r.values, r.labels, k);
  const auto counts = stats::group_counts(r.labels, k);
  const stats::SelectionPlan plan = stats::plan_targets(counts, stats::kProfileProbabilities);
  const stats::PassSlots slots = stats::pass_slots(plan.targets, k + 1, 0);
  ASSERT_EQ(slots.keys.size(), k + 1);  // pass 0: one slot per non-empty group
  const stats::Histograms hist = stats::local_histograms(rows, k, slots);
  EXPECT_EQ(rows.keys.size(), static_cast<std::size_t>(counts[k]));  // every labelled row matched

  const std::size_t hist_size = slots.hist_size();
  std::vector<std::int64_t> count(hist_size, 0);
  std::vector<std::uint64_t> lo(hist_size, ~std::uint64_t{0}), hi(hist_size, 0);
  for (std::size_t i = 0; i < keys.size(); ++i) {
    if (r.labels[i] < 0) continue;
    for (std::size_t g : {static_cast<std::size_t>(r.labels[i]), k}) {
      const std::size_t slot = slots.slots_of_group[g].at(0);
      const std::size_t b = slot * stats::kBuckets + (keys[i] >> 56);
      ++count[b];
      lo[b] = std::min(lo[b], keys[i]);
      hi[b] = std::max(hi[b], keys[i]);
    }
  }
  EXPECT_EQ(hist.count, count);
  for (std::size_t b = 0; b < hist_size; ++b) {
    if (count[b] == 0) continue;
    // Signed keys: the largest, and the complement of the smallest.
    EXPECT_EQ(hist.extremes[b], static_cast<std::int64_t>(hi[b] ^ (std::uint64_t{1} << 63))) << b;
    EXPECT_EQ(hist.extremes[hist_size + b], ~static_cast<std::int64_t>(lo[b] ^ (std::uint64_t{1} << 63))) << b;
  }
}

TEST(QuantileSelection, HalvesMergedEqualTheWholeInALaterPass) {
  const std::size_t k = 4;
  const Rows r = make_rows(3001, k);
  const auto keys = r.keys();
  const auto counts = stats::group_counts(r.labels, k);
  stats::SelectionPlan plan = stats::plan_targets(counts, stats::kProfileProbabilities);
  const stats::PassSlots first = stats::pass_slots(plan.targets, k + 1, 0);
  stats::GroupedKeys whole = stats::group_keys(r.values, r.labels, k);
  stats::narrow(plan.targets, first, stats::local_histograms(whole, k, first));
  const stats::PassSlots second = stats::pass_slots(plan.targets, k + 1, 1);
  ASSERT_GT(second.hist_size(), 0u);

  // Each half grouped on its own, as two ranks would (pass 0 keeps every labelled row).
  const std::size_t half = keys.size() / 2;
  const std::span<const double> values(r.values);
  const std::span<const std::int32_t> labels(r.labels);
  stats::GroupedKeys a = stats::group_keys(values.first(half), labels.first(half), k);
  stats::GroupedKeys b = stats::group_keys(values.subspan(half), labels.subspan(half), k);
  const stats::Histograms all = stats::local_histograms(whole, k, second);
  const stats::Histograms m = merged(stats::local_histograms(a, k, second), stats::local_histograms(b, k, second));
  EXPECT_EQ(m.count, all.count);
  EXPECT_EQ(m.extremes, all.extremes);

  // The rows kept in play are exactly the labelled rows whose top byte matches a slot of their
  // group or of the population, each group's in its range.
  for (std::size_t g = 0; g < k; ++g) {
    std::vector<std::uint64_t> want;
    for (std::size_t i = 0; i < keys.size(); ++i) {
      if (r.labels[i] != static_cast<std::int32_t>(g)) continue;
      bool match = false;
      for (std::size_t group : {g, k})
        for (std::size_t slot : second.slots_of_group[group])
          match = match || (keys[i] & second.fixed_mask) == second.keys[slot].second;
      if (match) want.push_back(keys[i]);
    }
    std::vector<std::uint64_t> got(whole.keys.begin() + static_cast<std::ptrdiff_t>(whole.begin[g]),
                                   whole.keys.begin() + static_cast<std::ptrdiff_t>(whole.begin[g + 1]));
    std::sort(got.begin(), got.end());
    std::sort(want.begin(), want.end());
    EXPECT_EQ(got, want) << "group " << g;
  }
  EXPECT_LT(whole.keys.size(), static_cast<std::size_t>(counts[k]));
}

TEST(QuantileSelection, SerialSelectionEqualsSortedOrderStatistics) {
  const std::size_t k = 3;
  const Rows r = make_rows(5003, k);
  stats::GroupedKeys rows = stats::group_keys(r.values, r.labels, k);
  const auto counts = stats::group_counts(r.labels, k);
  stats::SelectionPlan plan = stats::plan_targets(counts, stats::kProfileProbabilities);
  int passes = 0;
  for (int pass = 0; pass < stats::kPasses && !stats::all_resolved(plan.targets); ++pass, ++passes) {
    const stats::PassSlots slots = stats::pass_slots(plan.targets, k + 1, pass);
    stats::narrow(plan.targets, slots, stats::local_histograms(rows, k, slots));
  }
  EXPECT_TRUE(stats::all_resolved(plan.targets));
  EXPECT_LT(passes, stats::kPasses);  // repeated values end the search early
  const auto got = stats::quantiles_of_targets(plan, counts, stats::kProfileProbabilities);
  for (std::size_t g = 0; g <= k; ++g) {
    const std::vector<double> v = sorted_group(r, k, g);
    ASSERT_FALSE(v.empty());
    for (std::size_t q = 0; q < stats::kProfileProbabilities.size(); ++q) {
      const auto pos = stats::quantile_position(v.size(), stats::kProfileProbabilities[q]);
      EXPECT_EQ(got[g][q], stats::interpolate_linear(v[pos.lower], v[pos.upper], pos.t)) << "group " << g << " q" << q;
    }
  }
}

TEST(QuantileSelection, EmptyGroupHasNoTargetsAndGivesNaN) {
  const std::vector<std::int32_t> labels{0, 0, -1};
  const auto counts = stats::group_counts(labels, 2);
  EXPECT_EQ(counts, (std::vector<std::int64_t>{2, 0, 2}));
  const stats::SelectionPlan plan = stats::plan_targets(counts, stats::kProfileProbabilities);
  for (const auto& t : plan.targets) EXPECT_NE(t.group, 1u);
  const auto out = stats::quantiles_of_targets(plan, counts, stats::kProfileProbabilities);
  for (double q : out[1]) EXPECT_TRUE(std::isnan(q));
}

TEST(QuantileSelection, OrderKeyIsMonotoneAndInvertible) {
  const double xs[] = {-INFINITY, -1e308, -2.5, -1e-310, -0.0, 0.0, 1e-310, 1.0, 3.5, 1e308, INFINITY};
  for (std::size_t i = 0; i < std::size(xs); ++i) {
    EXPECT_EQ(std::signbit(stats::from_order_key(stats::order_key(xs[i]))), std::signbit(xs[i]));
    EXPECT_EQ(stats::from_order_key(stats::order_key(xs[i])), xs[i]);
    if (i > 0) {
      EXPECT_LT(stats::order_key(xs[i - 1]), stats::order_key(xs[i]));
    }
  }
}

TEST(QuantileSelection, PositionFollowsNumpyLinear) {
  // numpy.quantile([10, 20, 30, 40], 0.25) == 17.5: h = 0.75 between ranks 0 and 1.
  const auto pos = stats::quantile_position(4, 0.25);
  EXPECT_EQ(pos.lower, 0u);
  EXPECT_EQ(pos.upper, 1u);
  EXPECT_DOUBLE_EQ(stats::interpolate_linear(10, 20, pos.t), 17.5);
  const auto top = stats::quantile_position(4, 1.0);
  EXPECT_EQ(top.lower, 3u);
  EXPECT_EQ(top.upper, 3u);
}
