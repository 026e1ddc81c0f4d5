#include "custseg/stats/quantiles.hpp"

#include <tbb/blocked_range.h>
#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>
#include <map>

namespace custseg::stats {

std::uint64_t order_key(double x) {
  const auto bits = std::bit_cast<std::uint64_t>(x);
  // Negative numbers: flip all bits (larger magnitude sorts lower); positive: set the sign bit.
  return (bits >> 63) ? ~bits : bits | (std::uint64_t{1} << 63);
}

double from_order_key(std::uint64_t key) {
  const std::uint64_t bits = (key >> 63) ? key & ~(std::uint64_t{1} << 63) : ~key;
  return std::bit_cast<double>(bits);
}

double interpolate_linear(double lower, double upper, double t) {
  const double diff = upper - lower;
  return t >= 0.5 ? upper - diff * (1.0 - t) : lower + diff * t;
}

QuantilePosition quantile_position(std::uint64_t n, double p) {
  QuantilePosition q;
  const double h = p * static_cast<double>(n - 1);
  const double floor_h = std::floor(h);
  q.lower = static_cast<std::uint64_t>(floor_h);
  q.upper = std::min<std::uint64_t>(q.lower + 1, n - 1);
  q.t = h - floor_h;
  return q;
}

namespace {

constexpr int kDigitBits = 8;
constexpr std::size_t kBuckets = std::size_t{1} << kDigitBits;
constexpr int kPasses = 64 / kDigitBits;

// One wanted order statistic: `rank` among the values of `group`; `prefix` holds the key bits
// fixed so far and `remaining` the rank within the rows that share that prefix.
struct Target {
  std::size_t group = 0;
  std::uint64_t rank = 0;
  std::uint64_t prefix = 0;
  std::uint64_t remaining = 0;
  bool resolved = false;  // prefix is the full key: its bucket held one distinct value
};

// Keys as int64 in the same order, for the int64 min/max reductions.
std::int64_t signed_key(std::uint64_t key) { return static_cast<std::int64_t>(key ^ (std::uint64_t{1} << 63)); }
std::uint64_t unsigned_key(std::int64_t key) { return static_cast<std::uint64_t>(key) ^ (std::uint64_t{1} << 63); }

}  // namespace

std::vector<std::vector<double>> group_quantiles(const mpi::Communicator& comm, std::span<const double> values,
                                                 std::span<const std::int32_t> labels, std::size_t k,
                                                 std::span<const double> probabilities) {
  const std::size_t groups = k + 1;
  std::vector<std::int64_t> counts(groups, 0);
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (labels[i] < 0) continue;
    ++counts[static_cast<std::size_t>(labels[i])];
    ++counts[k];
  }
  comm.allreduce_sum(counts);  // all ranks must reach this, even with zero rows

  // The distinct ranks wanted per group (both neighbours of every quantile).
  std::vector<Target> targets;
  std::map<std::pair<std::size_t, std::uint64_t>, std::size_t> target_index;
  for (std::size_t g = 0; g < groups; ++g) {
    if (counts[g] == 0) continue;
    for (double p : probabilities) {
      const QuantilePosition pos = quantile_position(static_cast<std::uint64_t>(counts[g]), p);
      for (std::uint64_t r : {pos.lower, pos.upper}) {
        if (target_index.count({g, r})) continue;
        target_index[{g, r}] = targets.size();
        targets.push_back(Target{g, r, 0, r});
      }
    }
  }

  std::vector<std::uint64_t> keys(values.size());
  for (std::size_t i = 0; i < values.size(); ++i) keys[i] = order_key(values[i]);

  // Rows still in play. Prefixes only grow, so a row that matched no slot in one pass matches
  // none later: each pass from the second on scans only the previous pass's matches, a small
  // fraction of the rows after two or three passes (it was 8 full scans per column). Counts and
  // extremes do not depend on the order of rows, so neither does the result. 32-bit indices
  // keep this at 4 bytes a row; a rank with 2^32 rows or more scans every row instead.
  const bool compact = values.size() < (std::uint64_t{1} << 32);
  std::vector<std::uint32_t> active;
  bool all_rows = true;

  for (int pass = 0; pass < kPasses; ++pass) {
    // Same reduced figures on every rank, so every rank leaves the loop at the same pass.
    if (std::all_of(targets.begin(), targets.end(), [](const Target& t) { return t.resolved; })) break;
    const int shift = 64 - kDigitBits * (pass + 1);
    // Targets of one group that share their prefix share one histogram ("slot"): early passes
    // need one per group, later ones rarely more than one per quantile.
    std::vector<std::pair<std::size_t, std::uint64_t>> slot_keys;  // (group, prefix)
    std::vector<std::size_t> slot_of(targets.size());
    std::vector<std::vector<std::size_t>> slots_of_group(groups);
    for (std::size_t t = 0; t < targets.size(); ++t) {
      if (targets[t].resolved) continue;
      const std::pair<std::size_t, std::uint64_t> key{targets[t].group, targets[t].prefix};
      const auto found = std::find(slot_keys.begin(), slot_keys.end(), key);
      slot_of[t] = static_cast<std::size_t>(found - slot_keys.begin());
      if (found == slot_keys.end()) {
        slots_of_group[key.first].push_back(slot_keys.size());
        slot_keys.push_back(key);
      }
    }
    // Rows match a slot when their key agrees with its prefix on the bits fixed so far.
    const std::uint64_t fixed_mask = pass == 0 ? 0 : ~std::uint64_t{0} << (shift + kDigitBits);
    const std::size_t hist_size = slot_keys.size() * kBuckets;
    // Per bucket: the row count, and the largest key and the complement of the smallest (so one
    // max-reduction gives both). A bucket whose smallest and largest keys agree holds one value.
    struct Local {
      std::vector<std::int64_t> count, extremes;
    };
    tbb::enumerable_thread_specific<Local> local([&] {
      Local l{std::vector<std::int64_t>(hist_size, 0),
              std::vector<std::int64_t>(2 * hist_size, std::numeric_limits<std::int64_t>::min())};
      return l;
    });
    // Pass 0 matches every labelled row, so recording matches starts with pass 1.
    const bool record = compact && pass > 0;
    tbb::enumerable_thread_specific<std::vector<std::uint32_t>> matched;
    const std::size_t scan = all_rows ? keys.size() : active.size();
    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, scan, 4096), [&](const auto& range) {
      Local& l = local.local();
      std::vector<std::uint32_t>* keep = record ? &matched.local() : nullptr;
      for (std::size_t j = range.begin(); j != range.end(); ++j) {
        const std::size_t i = all_rows ? j : active[j];
        if (labels[i] < 0) continue;
        const std::uint64_t key = keys[i];
        const std::uint64_t fixed = key & fixed_mask;
        const std::size_t digit = (key >> shift) & (kBuckets - 1);
        bool any = false;
        for (std::size_t g : {static_cast<std::size_t>(labels[i]), k})
          for (std::size_t slot : slots_of_group[g])
            if (fixed == slot_keys[slot].second) {
              const std::size_t b = slot * kBuckets + digit;
              ++l.count[b];
              l.extremes[b] = std::max(l.extremes[b], signed_key(key));
              l.extremes[hist_size + b] = std::max(l.extremes[hist_size + b], ~signed_key(key));
              any = true;
            }
        if (any && keep) keep->push_back(static_cast<std::uint32_t>(i));
      }
    });
    if (record) {
      std::vector<std::uint32_t> next;
      for (const auto& m : matched) next.insert(next.end(), m.begin(), m.end());
      active = std::move(next);
      all_rows = false;
    }
    // Integer counts and exact extremes: the same whatever the thread and rank split.
    std::vector<std::int64_t> hist(hist_size, 0);
    std::vector<std::int64_t> extremes(2 * hist_size, std::numeric_limits<std::int64_t>::min());
    for (const auto& l : local) {
      for (std::size_t i = 0; i < hist_size; ++i) hist[i] += l.count[i];
      for (std::size_t i = 0; i < 2 * hist_size; ++i) extremes[i] = std::max(extremes[i], l.extremes[i]);
    }
    comm.allreduce_sum(hist);  // all ranks must reach these, even with zero rows or targets
    comm.allreduce_max(extremes);
    for (std::size_t t = 0; t < targets.size(); ++t) {
      Target& target = targets[t];
      if (target.resolved) continue;
      const std::int64_t* counts_of_slot = hist.data() + slot_of[t] * kBuckets;
      std::uint64_t below = 0;
      for (std::size_t b = 0; b < kBuckets; ++b) {
        const auto c = static_cast<std::uint64_t>(counts_of_slot[b]);
        if (target.remaining < below + c) {
          target.prefix |= static_cast<std::uint64_t>(b) << shift;
          target.remaining -= below;
          const std::size_t at = slot_of[t] * kBuckets + b;
          if (extremes[at] == ~extremes[hist_size + at]) {
            target.prefix = unsigned_key(extremes[at]);
            target.resolved = true;
          }
          break;
        }
        below += c;
      }
    }
  }

  std::vector<std::vector<double>> out(groups, std::vector<double>(probabilities.size(), std::numeric_limits<double>::quiet_NaN()));
  for (std::size_t g = 0; g < groups; ++g) {
    if (counts[g] == 0) continue;
    for (std::size_t i = 0; i < probabilities.size(); ++i) {
      const QuantilePosition pos = quantile_position(static_cast<std::uint64_t>(counts[g]), probabilities[i]);
      const double lower = from_order_key(targets[target_index.at({g, pos.lower})].prefix);
      const double upper = from_order_key(targets[target_index.at({g, pos.upper})].prefix);
      out[g][i] = interpolate_linear(lower, upper, pos.t);
    }
  }
  return out;
}

}  // namespace custseg::stats
