#pragma once
// Pure pieces of the exact quantile selection (quantiles.hpp): keys, positions and the local
// radix histograms of one pass, and the narrowing decision taken from the reduced histograms.
// No MPI here: the collective driver, group_quantiles, only adds the reductions between them.
//
// Method: radix selection on order-preserving 64-bit keys of the doubles. Each pass fixes the next
// kDigitBits bits of every wanted order statistic from exact integer bucket counts, and a bucket
// whose smallest and largest keys agree holds one distinct value, which ends that target early;
// kPasses passes always suffice. Counts are integers and extremes exact, so the result does not
// depend on how rows are split across ranks or threads.
#include <array>
#include <cstdint>
#include <map>
#include <span>
#include <utility>
#include <vector>

namespace custseg::stats {

inline constexpr std::array<double, 5> kProfileProbabilities{0.05, 0.25, 0.50, 0.75, 0.95};
inline constexpr std::array<const char*, 5> kProfileQuantileNames{"p5", "p25", "p50", "p75", "p95"};

// Order-preserving bijection between doubles (no NaN) and unsigned keys: a < b <=> key(a) < key(b)
// (-0.0 sorts just below +0.0).
std::uint64_t order_key(double x);
double from_order_key(std::uint64_t key);

// numpy's linear interpolation between neighbouring order statistics (lerp with its t >= 0.5 branch).
double interpolate_linear(double lower, double upper, double t);

// The 0-based rank pair and weight of quantile p among n sorted values (n >= 1).
struct QuantilePosition {
  std::uint64_t lower = 0, upper = 0;
  double t = 0.0;
};
QuantilePosition quantile_position(std::uint64_t n, double p);

inline constexpr int kDigitBits = 8;
inline constexpr std::size_t kBuckets = std::size_t{1} << kDigitBits;
inline constexpr int kPasses = 64 / kDigitBits;

// One wanted order statistic: `rank` among the values of `group`; `prefix` holds the key bits
// fixed so far and `remaining` the rank within the rows that share that prefix.
struct Target {
  std::size_t group = 0;
  std::uint64_t rank = 0;
  std::uint64_t prefix = 0;
  std::uint64_t remaining = 0;
  bool resolved = false;  // prefix is the full key: its bucket held one distinct value
};

// The distinct ranks wanted per group (both neighbours of every quantile), and where each is.
struct SelectionPlan {
  std::vector<Target> targets;
  std::map<std::pair<std::size_t, std::uint64_t>, std::size_t> index;  // (group, rank) -> target
};

// This rank's keys (order_key of the values) of labelled rows, grouped by label: group g's are
// keys[begin[g], begin[g + 1]) for g < k; the population (group k) is all of them. Grouping once
// per column lets every pass scan each group's keys contiguously, with that group's few slots
// at hand, and keeps the rows still in play as a compacted prefix of each group's range.
struct GroupedKeys {
  std::vector<std::uint64_t> keys;
  std::vector<std::size_t> begin;  // k + 1 offsets
  [[nodiscard]] std::size_t size_of(std::size_t g) const { return begin[g + 1] - begin[g]; }
};
// Values of rows with label < 0 are left out (and may be NaN); labels.size() >= values.size().
GroupedKeys group_keys(std::span<const double> values, std::span<const std::int32_t> labels, std::size_t k);

// Rows per group of this rank: groups 0..k-1 by label, group k every row with a label >= 0.
std::vector<std::int64_t> group_counts(std::span<const std::int32_t> labels, std::size_t k);
std::vector<std::int64_t> group_counts(const GroupedKeys& rows, std::size_t k);

// The targets for the global group counts `counts` (k + 1 of them).
SelectionPlan plan_targets(std::span<const std::int64_t> counts, std::span<const double> probabilities);

[[nodiscard]] bool all_resolved(const std::vector<Target>& targets);

// The histograms ("slots") of one pass: unresolved targets of one group that share their prefix
// share one; early passes need one per group, later ones rarely more than one per quantile.
struct PassSlots {
  int shift = 0;                 // the digit of this pass is key >> shift (kDigitBits wide)
  std::uint64_t fixed_mask = 0;  // the key bits fixed by earlier passes
  std::vector<std::pair<std::size_t, std::uint64_t>> keys;  // (group, prefix) per slot
  std::vector<std::size_t> slot_of;                          // per target; unused when resolved
  std::vector<std::vector<std::size_t>> slots_of_group;
  [[nodiscard]] std::size_t hist_size() const { return keys.size() * kBuckets; }
};
PassSlots pass_slots(const std::vector<Target>& targets, std::size_t groups, int pass);

// Per bucket of every slot: the row count, and the largest key and the complement of the
// smallest (extremes[b] and extremes[hist_size + b], as signed keys, so one max-reduction gives
// both). Merged by summing counts and taking the maximum of extremes.
struct Histograms {
  std::vector<std::int64_t> count, extremes;
};

// Pure local step of one pass over the rows still in play (TBB inside). Prefixes only grow, so
// a row that matches no slot in one pass matches none later: each group's range is compacted in
// place to the rows that matched some slot, and the next pass scans only those.
Histograms local_histograms(GroupedKeys& rows, std::size_t k, const PassSlots& slots);

// The decision of one pass, from the histograms merged over all ranks: fixes the next digit of
// every unresolved target, or its whole key when its bucket holds one distinct value.
void narrow(std::vector<Target>& targets, const PassSlots& slots, const Histograms& global);

// Result[g][i]: quantile probabilities[i] of group g from the resolved targets; NaN when empty.
std::vector<std::vector<double>> quantiles_of_targets(const SelectionPlan& plan, std::span<const std::int64_t> counts,
                                                      std::span<const double> probabilities);

}  // namespace custseg::stats
