#include "custseg/stats/quantile_selection.hpp"

#include <tbb/blocked_range.h>
#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>

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

// Rows per TBB task of a histogram pass.
constexpr std::size_t kGrainRows = 4096;

// Keys as int64 in the same order, for the int64 min/max reductions.
std::int64_t signed_key(std::uint64_t key) { return static_cast<std::int64_t>(key ^ (std::uint64_t{1} << 63)); }
std::uint64_t unsigned_key(std::int64_t key) { return static_cast<std::uint64_t>(key) ^ (std::uint64_t{1} << 63); }

Histograms empty_histograms(std::size_t hist_size) {
  return {std::vector<std::int64_t>(hist_size, 0),
          std::vector<std::int64_t>(2 * hist_size, std::numeric_limits<std::int64_t>::min())};
}

// Counts one row's key into every slot of its group and of the population that its fixed bits
// match; true when it matched any.
bool count_row(Histograms& h, const PassSlots& slots, std::size_t label, std::size_t k, std::uint64_t key) {
  const std::size_t hist_size = slots.hist_size();
  const std::uint64_t fixed = key & slots.fixed_mask;
  const std::size_t digit = (key >> slots.shift) & (kBuckets - 1);
  bool any = false;
  for (std::size_t g : {label, k})
    for (std::size_t slot : slots.slots_of_group[g])
      if (fixed == slots.keys[slot].second) {
        const std::size_t b = slot * kBuckets + digit;
        ++h.count[b];
        h.extremes[b] = std::max(h.extremes[b], signed_key(key));
        h.extremes[hist_size + b] = std::max(h.extremes[hist_size + b], ~signed_key(key));
        any = true;
      }
  return any;
}

}  // namespace

std::vector<std::int64_t> group_counts(std::span<const std::int32_t> labels, std::size_t k) {
  std::vector<std::int64_t> counts(k + 1, 0);
  for (const std::int32_t label : labels) {
    if (label < 0) continue;
    ++counts[static_cast<std::size_t>(label)];
    ++counts[k];
  }
  return counts;
}

SelectionPlan plan_targets(std::span<const std::int64_t> counts, std::span<const double> probabilities) {
  SelectionPlan plan;
  for (std::size_t g = 0; g < counts.size(); ++g) {
    if (counts[g] == 0) continue;
    for (double p : probabilities) {
      const QuantilePosition pos = quantile_position(static_cast<std::uint64_t>(counts[g]), p);
      for (std::uint64_t r : {pos.lower, pos.upper}) {
        if (plan.index.count({g, r})) continue;
        plan.index[{g, r}] = plan.targets.size();
        plan.targets.push_back(Target{g, r, 0, r});
      }
    }
  }
  return plan;
}

bool all_resolved(const std::vector<Target>& targets) {
  return std::all_of(targets.begin(), targets.end(), [](const Target& t) { return t.resolved; });
}

PassSlots pass_slots(const std::vector<Target>& targets, std::size_t groups, int pass) {
  PassSlots s;
  s.shift = 64 - kDigitBits * (pass + 1);
  // Rows match a slot when their key agrees with its prefix on the bits fixed so far.
  s.fixed_mask = pass == 0 ? 0 : ~std::uint64_t{0} << (s.shift + kDigitBits);
  s.slot_of.resize(targets.size());
  s.slots_of_group.resize(groups);
  for (std::size_t t = 0; t < targets.size(); ++t) {
    if (targets[t].resolved) continue;
    const std::pair<std::size_t, std::uint64_t> key{targets[t].group, targets[t].prefix};
    const auto found = std::find(s.keys.begin(), s.keys.end(), key);
    s.slot_of[t] = static_cast<std::size_t>(found - s.keys.begin());
    if (found == s.keys.end()) {
      s.slots_of_group[key.first].push_back(s.keys.size());
      s.keys.push_back(key);
    }
  }
  return s;
}

LocalPass local_histograms(std::span<const std::uint64_t> keys, std::span<const std::int32_t> labels, std::size_t k,
                           const PassSlots& slots, const RowsInPlay& in_play, bool record_matches) {
  const std::size_t hist_size = slots.hist_size();
  tbb::enumerable_thread_specific<Histograms> local([&] { return empty_histograms(hist_size); });
  tbb::enumerable_thread_specific<std::vector<std::uint32_t>> matched;
  const std::size_t scan = in_play.all ? keys.size() : in_play.rows.size();
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, scan, kGrainRows), [&](const auto& range) {
    Histograms& h = local.local();
    std::vector<std::uint32_t>* keep = record_matches ? &matched.local() : nullptr;
    for (std::size_t j = range.begin(); j != range.end(); ++j) {
      const std::size_t i = in_play.all ? j : in_play.rows[j];
      if (labels[i] < 0) continue;
      if (count_row(h, slots, static_cast<std::size_t>(labels[i]), k, keys[i]) && keep)
        keep->push_back(static_cast<std::uint32_t>(i));
    }
  });
  // Integer counts and exact extremes: the same whatever the thread split.
  LocalPass out{empty_histograms(hist_size), {}};
  for (const auto& h : local) {
    for (std::size_t i = 0; i < hist_size; ++i) out.hist.count[i] += h.count[i];
    for (std::size_t i = 0; i < 2 * hist_size; ++i) out.hist.extremes[i] = std::max(out.hist.extremes[i], h.extremes[i]);
  }
  for (const auto& m : matched) out.matched.insert(out.matched.end(), m.begin(), m.end());
  return out;
}

void narrow(std::vector<Target>& targets, const PassSlots& slots, const Histograms& global) {
  const std::size_t hist_size = slots.hist_size();
  for (std::size_t t = 0; t < targets.size(); ++t) {
    Target& target = targets[t];
    if (target.resolved) continue;
    const std::int64_t* counts_of_slot = global.count.data() + slots.slot_of[t] * kBuckets;
    std::uint64_t below = 0;
    for (std::size_t b = 0; b < kBuckets; ++b) {
      const auto c = static_cast<std::uint64_t>(counts_of_slot[b]);
      if (target.remaining < below + c) {
        target.prefix |= static_cast<std::uint64_t>(b) << slots.shift;
        target.remaining -= below;
        const std::size_t at = slots.slot_of[t] * kBuckets + b;
        if (global.extremes[at] == ~global.extremes[hist_size + at]) {
          target.prefix = unsigned_key(global.extremes[at]);
          target.resolved = true;
        }
        break;
      }
      below += c;
    }
  }
}

std::vector<std::vector<double>> quantiles_of_targets(const SelectionPlan& plan, std::span<const std::int64_t> counts,
                                                      std::span<const double> probabilities) {
  std::vector<std::vector<double>> out(counts.size(),
                                       std::vector<double>(probabilities.size(), std::numeric_limits<double>::quiet_NaN()));
  for (std::size_t g = 0; g < counts.size(); ++g) {
    if (counts[g] == 0) continue;
    for (std::size_t i = 0; i < probabilities.size(); ++i) {
      const QuantilePosition pos = quantile_position(static_cast<std::uint64_t>(counts[g]), probabilities[i]);
      const double lower = from_order_key(plan.targets[plan.index.at({g, pos.lower})].prefix);
      const double upper = from_order_key(plan.targets[plan.index.at({g, pos.upper})].prefix);
      out[g][i] = interpolate_linear(lower, upper, pos.t);
    }
  }
  return out;
}

}  // namespace custseg::stats
