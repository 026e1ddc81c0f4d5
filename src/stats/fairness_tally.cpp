#include "custseg/stats/fairness_tally.hpp"

#include <algorithm>
#include <limits>

namespace custseg::stats {

namespace {

constexpr double kNan = std::numeric_limits<double>::quiet_NaN();

double ratio(std::int64_t a, std::int64_t b) { return b > 0 ? static_cast<double>(a) / static_cast<double>(b) : kNan; }

// Group g's share of row c of a [rows x G] count table, and of a [G] total: the same tally for
// fairness audits and category mixes.
double row_share(const std::vector<std::int64_t>& counts, std::size_t G, std::size_t c, std::size_t g) {
  std::int64_t total = 0;
  for (std::size_t h = 0; h < G; ++h) total += counts[c * G + h];
  return ratio(counts[c * G + g], total);
}

}  // namespace

double FairnessAudit::segment_share(std::size_t c, std::size_t g) const { return row_share(counts, groups.size(), c, g); }
double FairnessAudit::population_share(std::size_t g) const { return row_share(population, groups.size(), 0, g); }
double CategoryMix::segment_share(std::size_t c, std::size_t g) const { return row_share(counts, groups.size(), c, g); }
double CategoryMix::population_share(std::size_t g) const { return row_share(population, groups.size(), 0, g); }

double FairnessAudit::selection_rate(std::size_t c, std::size_t g) const {
  return ratio(counts[c * groups.size() + g], population[g]);
}

void finish_audit(FairnessAudit& a) {
  const std::size_t k = a.segments();
  a.rate_ratio.assign(k, kNan);
  a.flagged.assign(k, 0);
  for (std::size_t c = 0; c < k; ++c) {
    double lo = std::numeric_limits<double>::infinity(), hi = 0.0;
    for (std::size_t g = 0; g < a.groups.size(); ++g) {
      if (a.population[g] == 0) continue;  // a group nobody belongs to has no rate
      const double r = a.selection_rate(c, g);
      lo = std::min(lo, r);
      hi = std::max(hi, r);
    }
    if (hi > 0.0) {
      a.rate_ratio[c] = lo / hi;
      a.flagged[c] = a.rate_ratio[c] < a.threshold ? 1 : 0;
    }
  }
}

std::vector<std::int64_t> tally_groups(std::span<const std::int32_t> group_codes, std::span<const std::int32_t> labels,
                                       std::size_t k, std::size_t groups) {
  std::vector<std::int64_t> tally((k + 1) * groups, 0);  // segments, then the population
  for (std::size_t i = 0; i < labels.size(); ++i) {
    if (labels[i] < 0 || group_codes[i] < 0) continue;
    const auto g = static_cast<std::size_t>(group_codes[i]);
    ++tally[static_cast<std::size_t>(labels[i]) * groups + g];
    ++tally[k * groups + g];
  }
  return tally;
}

void audit_from_tally(FairnessAudit& audit, const std::vector<std::int64_t>& tally, std::size_t k) {
  const auto segments_end = tally.begin() + static_cast<std::ptrdiff_t>(k * audit.groups.size());
  audit.counts.assign(tally.begin(), segments_end);
  audit.population.assign(segments_end, tally.end());
  finish_audit(audit);
}

}  // namespace custseg::stats
