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

// Keys per TBB task of a histogram pass: tasks are fixed slices of each group's range, so the
// compaction (a slice at a time, then slices closed up in order) is the same for any thread count.
constexpr std::size_t kSliceKeys = std::size_t{1} << 14;

// Keys as int64 in the same order, for the int64 min/max reductions.
std::int64_t signed_key(std::uint64_t key) { return static_cast<std::int64_t>(key ^ (std::uint64_t{1} << 63)); }
std::uint64_t unsigned_key(std::int64_t key) { return static_cast<std::uint64_t>(key) ^ (std::uint64_t{1} << 63); }

Histograms empty_histograms(std::size_t hist_size) {
  return {std::vector<std::int64_t>(hist_size, 0),
          std::vector<std::int64_t>(2 * hist_size, std::numeric_limits<std::int64_t>::min())};
}

// A slot as one group's scan sees it: the prefix its rows share, and where its buckets start.
struct SlotRef {
  std::uint64_t prefix = 0;
  std::size_t base = 0;
};

// What the scan of group g's keys counts into: g's own slots, and the population's slots whose
// prefix no slot of g has. A population slot whose prefix g also has is "borrowed": the keys of g
// it would count are exactly those of g's slot, whose buckets are added to it after the scan.
struct GroupScan {
  std::vector<SlotRef> own, population;
  std::vector<std::pair<std::size_t, std::size_t>> borrowed;  // (population slot, g's slot)
  [[nodiscard]] bool idle() const { return own.empty() && population.empty(); }
};

GroupScan group_scan(const PassSlots& slots, std::size_t g, std::size_t k) {
  GroupScan scan;
  for (std::size_t slot : slots.slots_of_group[g]) scan.own.push_back({slots.keys[slot].second, slot * kBuckets});
  for (std::size_t slot : slots.slots_of_group[k]) {
    const std::uint64_t prefix = slots.keys[slot].second;
    const auto same = std::find_if(scan.own.begin(), scan.own.end(), [&](const SlotRef& s) { return s.prefix == prefix; });
    if (same == scan.own.end()) scan.population.push_back({prefix, slot * kBuckets});
    else scan.borrowed.emplace_back(slot, same->base / kBuckets);
  }
  return scan;
}

// Counts a key into the first of `refs` its fixed bits match (prefixes of one group's slots
// differ, so at most one does); true when one did.
bool count_key(Histograms& h, std::size_t hist_size, const std::vector<SlotRef>& refs, std::uint64_t fixed,
               std::size_t digit, std::int64_t key) {
  for (const SlotRef& ref : refs) {
    if (fixed != ref.prefix) continue;
    const std::size_t b = ref.base + digit;
    ++h.count[b];
    h.extremes[b] = std::max(h.extremes[b], key);
    h.extremes[hist_size + b] = std::max(h.extremes[hist_size + b], ~key);
    return true;
  }
  return false;
}

// One slice of a group's keys: counted, and the matching ones moved to the front of the slice;
// returns how many matched.
std::size_t scan_slice(Histograms& h, std::size_t hist_size, const PassSlots& slots, const GroupScan& scan,
                       std::uint64_t* keys, std::size_t n) {
  std::size_t kept = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint64_t key = keys[i];
    const std::uint64_t fixed = key & slots.fixed_mask;
    const std::size_t digit = (key >> slots.shift) & (kBuckets - 1);
    const std::int64_t signed_value = signed_key(key);
    const bool own = count_key(h, hist_size, scan.own, fixed, digit, signed_value);
    const bool population = count_key(h, hist_size, scan.population, fixed, digit, signed_value);
    if (own || population) keys[kept++] = key;
  }
  return kept;
}

struct Slice {
  std::size_t group = 0, begin = 0, size = 0, kept = 0;
};

std::vector<Slice> slices_of(const GroupedKeys& rows, std::size_t k) {
  std::vector<Slice> out;
  for (std::size_t g = 0; g < k; ++g)
    for (std::size_t at = rows.begin[g]; at < rows.begin[g + 1]; at += kSliceKeys)
      out.push_back({g, at, std::min(kSliceKeys, rows.begin[g + 1] - at), 0});
  return out;
}

// Closes up the slices' kept keys, in slice order, and sets the new group ranges.
void compact(GroupedKeys& rows, const std::vector<Slice>& slices, std::size_t k) {
  std::size_t out = 0, s = 0;
  for (std::size_t g = 0; g < k; ++g) {
    const std::size_t group_begin = out;
    for (; s < slices.size() && slices[s].group == g; ++s) {
      if (out != slices[s].begin)
        std::copy_n(rows.keys.begin() + static_cast<std::ptrdiff_t>(slices[s].begin), slices[s].kept,
                    rows.keys.begin() + static_cast<std::ptrdiff_t>(out));
      out += slices[s].kept;
    }
    rows.begin[g] = group_begin;
  }
  rows.begin[k] = out;
  rows.keys.resize(out);
}

}  // namespace

GroupedKeys group_keys(std::span<const double> values, std::span<const std::int32_t> labels, std::size_t k) {
  GroupedKeys rows;
  rows.begin.assign(k + 1, 0);
  for (std::size_t i = 0; i < values.size(); ++i)
    if (labels[i] >= 0) ++rows.begin[static_cast<std::size_t>(labels[i]) + 1];
  for (std::size_t g = 1; g <= k; ++g) rows.begin[g] += rows.begin[g - 1];
  rows.keys.resize(rows.begin[k]);
  std::vector<std::size_t> at(rows.begin.begin(), rows.begin.end() - 1);
  for (std::size_t i = 0; i < values.size(); ++i)
    if (labels[i] >= 0) rows.keys[at[static_cast<std::size_t>(labels[i])]++] = order_key(values[i]);
  return rows;
}

std::vector<std::int64_t> group_counts(const GroupedKeys& rows, std::size_t k) {
  std::vector<std::int64_t> counts(k + 1, 0);
  for (std::size_t g = 0; g < k; ++g) counts[g] = static_cast<std::int64_t>(rows.size_of(g));
  counts[k] = static_cast<std::int64_t>(rows.begin[k]);
  return counts;
}

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

Histograms local_histograms(GroupedKeys& rows, std::size_t k, const PassSlots& slots) {
  const std::size_t hist_size = slots.hist_size();
  std::vector<GroupScan> scans;
  for (std::size_t g = 0; g < k; ++g) scans.push_back(group_scan(slots, g, k));
  std::vector<Slice> slices = slices_of(rows, k);
  tbb::enumerable_thread_specific<Histograms> local([&] { return empty_histograms(hist_size); });
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, slices.size(), 1), [&](const auto& range) {
    Histograms& h = local.local();
    for (std::size_t s = range.begin(); s != range.end(); ++s) {
      Slice& slice = slices[s];
      const GroupScan& scan = scans[slice.group];
      slice.kept = scan.idle() ? 0 : scan_slice(h, hist_size, slots, scan, rows.keys.data() + slice.begin, slice.size);
    }
  });
  compact(rows, slices, k);
  // Integer counts and exact extremes: the same whatever the thread split.
  Histograms out = empty_histograms(hist_size);
  for (const auto& h : local) {
    for (std::size_t i = 0; i < hist_size; ++i) out.count[i] += h.count[i];
    for (std::size_t i = 0; i < 2 * hist_size; ++i) out.extremes[i] = std::max(out.extremes[i], h.extremes[i]);
  }
  for (const GroupScan& scan : scans)
    for (const auto& [population, own] : scan.borrowed)
      for (std::size_t b = 0; b < kBuckets; ++b) {
        const std::size_t to = population * kBuckets + b, from = own * kBuckets + b;
        out.count[to] += out.count[from];
        out.extremes[to] = std::max(out.extremes[to], out.extremes[from]);
        out.extremes[hist_size + to] = std::max(out.extremes[hist_size + to], out.extremes[hist_size + from]);
      }
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
