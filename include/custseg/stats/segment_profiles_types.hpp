#pragma once
// The per-segment statistics of one model as plain data: what the collective passes of
// segment_moments / feature_profile / kpi_profile / fairness / segment_profiles compute, and what
// the reports and results.h5 read. No MPI or HDF5 here, so report/ depends on plain data only.
// Index 0..k-1 of a per-group vector is a segment; index k, where present, the population.
#include <cstdint>
#include <string>
#include <vector>

#include "custseg/stats/cluster_quality_types.hpp"

namespace custseg::stats {

// What a column's attributes say about it (docs/input-hdf5.md#column-metadata), for the reports:
// label (plain-language name, e.g. "Days since last purchase"), unit ("days", "GBP",
// "purchases"; empty: none known) and higher_is ("good", "bad", or empty: neither).
struct ColumnMeta {
  std::string label, unit, higher_is;
};

// Moments of one column (segment_moments.hpp).
struct ColumnMoments {
  std::vector<std::int64_t> count;  // [k+1]
  std::vector<double> mean, std, min, max;
};

// One feature's profile in original units (feature_profile.hpp).
struct FeatureProfile {
  std::string name;
  ColumnMeta meta;
  ColumnMoments moments;                        // groups 0..k-1 segments, k the population
  std::vector<std::vector<double>> quantiles;   // [group][kProfileProbabilities]
  std::vector<double> index;     // [k] segment mean / population mean x 100; NaN if the population mean is 0
  std::vector<double> std_diff;  // [k] (segment mean - population mean) / population std; NaN if that std is 0
};

// Index and standardized difference from the moments (pure; used by profile_feature).
void fill_differences(FeatureProfile& profile, std::size_t k);

// How the report shows a KPI, set by whoever makes it, so that the report needs no list of KPIs
// that are shown otherwise. A 0/1 KPI (binary) shows its rate in place of share and mean.
struct KpiDisplay {
  bool share = true;          // the segment table has the segment's share of the sum beside its mean
  bool headline_card = true;  // the first screen has a card with the total (or the rate)
};

// Per-segment KPIs (kpi_profile.hpp).
struct KpiProfile {
  std::string name;
  ColumnMeta meta;
  bool binary = false;               // every assigned value is 0 or 1: mean is a rate (e.g. churn rate)
  bool from_clv = false;             // a segment --clv figure (P(alive), expected purchases, CLV), not a table column
  KpiDisplay display;
  std::vector<std::int64_t> count;   // [k+1] segments, then the population
  std::vector<double> sum, mean;     // [k+1]
  std::vector<double> share;         // [k] segment sum / population sum; NaN if that sum is 0
};

// A fairness audit against one protected column (fairness.hpp).
struct FairnessAudit {
  std::string column;
  std::vector<std::string> groups;            // [G] group labels
  std::vector<std::int64_t> population;       // [G] customers per group (segmented rows)
  std::vector<std::int64_t> counts;           // [k * G] customers of group g in segment c at c * G + g
  double threshold = 0.8;
  // Derived by finish_audit:
  std::vector<double> rate_ratio;             // [k] min / max selection rate over groups present; NaN if undefined
  std::vector<std::uint8_t> flagged;          // [k] rate_ratio < threshold

  [[nodiscard]] std::size_t segments() const { return groups.empty() ? 0 : counts.size() / groups.size(); }
  [[nodiscard]] double segment_share(std::size_t c, std::size_t g) const;     // share of group g in segment c
  [[nodiscard]] double population_share(std::size_t g) const;                 // share of group g overall
  [[nodiscard]] double selection_rate(std::size_t c, std::size_t g) const;    // counts / population of g
};

// Computes rate_ratio and flagged from the counts (pure).
void finish_audit(FairnessAudit& audit);

// The mix of one --profile column's categories (or bands) in each segment: shown, never a feature.
// Counts are integers, so exact and identical for any rank count.
struct CategoryMix {
  std::string column;
  std::vector<std::string> groups;         // [G] category labels or band labels
  std::vector<std::int64_t> population;    // [G] customers per group (segmented rows, known values)
  std::vector<std::int64_t> counts;        // [k * G] customers of group g in segment c at c * G + g

  [[nodiscard]] std::size_t segments() const { return groups.empty() ? 0 : counts.size() / groups.size(); }
  // Segmented customers with a known value (the rest are left out of every share).
  [[nodiscard]] std::int64_t known() const {
    std::int64_t n = 0;
    for (const auto p : population) n += p;
    return n;
  }
  // Share of segment c's customers (with a known value) in group g; NaN when it has none.
  [[nodiscard]] double segment_share(std::size_t c, std::size_t g) const;
  [[nodiscard]] double population_share(std::size_t g) const;
};

// Everything a marketer reads about the segments of one model (segment_profiles.hpp).
struct SegmentProfiles {
  std::vector<FeatureProfile> features;  // in feature order
  std::vector<KpiProfile> kpis;
  std::vector<FairnessAudit> fairness;
  std::vector<CategoryMix> mixes;  // one per --profile column
  ClusterQuality quality;  // in the k-means space
  std::vector<std::string> names;
  // Per k-means index, parallel to names: the recommended action (empty: none given) and where
  // the name came from: "generated" (the naming rules) or "labels file" (--segment-labels). A name
  // carried from a model (score, segment --previous) keeps the source it had there.
  std::vector<std::string> actions;
  std::vector<std::string> name_sources;
};

}  // namespace custseg::stats
