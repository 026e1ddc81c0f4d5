#pragma once
// Everything the reports need about one segmentation run: small, gathered, no customer rows.
// Writers (JSON, CSV, HTML, results.h5 model part) are pure functions of this struct.
#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "custseg/data/feature_scaling.hpp"
#include "custseg/kmeans/kmeans_result.hpp"
#include "custseg/report/clv_summary.hpp"
#include "custseg/stats/k_selection.hpp"
#include "custseg/stats/segment_matching.hpp"
#include "custseg/stats/segment_profiles_types.hpp"

namespace custseg::report {

// The metrics of a k sweep (custseg sweep), shown as curves when present.
struct SweepSummary {
  std::vector<stats::SweepPoint> points;  // in k order
  std::size_t recommended_k = 0;
  bool recommended_from_candidates = true;
  int restarts = 1;
  double min_stability = 0.8;
  std::uint64_t sample_size = 0;
  std::string rule;  // stats::recommendation_rule(...)
};

struct RunSummary {
  // What was asked.
  std::string input, output;
  std::size_t k = 0;
  std::uint64_t seed = 0;
  int ranks = 1, threads = 1, n_init = 1, max_iter = 0;
  double tol = 0;
  std::string nan_policy, init_file;
  // What was found in the data.
  std::uint64_t rows_total = 0, rows_dropped = 0;
  data::FeatureScaling scaling;  // feature names, transforms, mean, scale
  // Dates (YYYY-MM-DD) on the table's group when `ingest --transactions` made it, else empty:
  // as_of (the features use purchases before it) and churn_after (the churned label's cut-off).
  // rows_after_as_of: how many log rows dated on or after as_of fed only the label ("0": none).
  std::string as_of, churn_after, rows_after_as_of;
  // The model.
  kmeans::KMeansResult kmeans;            // labels/distances left empty: not report material
  std::vector<double> centroids_original;  // k * d in original units
  std::vector<stats::ColumnMoments> moments;  // one per feature, original units
  // Stable segment IDs (docs/segment-ids.md): segment_ids[c] is the ID reports show for k-means
  // index c (empty = identity, 0..k-1); next_segment_id is one more than the largest ID ever
  // issued in this model's chain (0 = k). Set by `segment --previous`.
  std::vector<std::int32_t> segment_ids;
  std::int64_t next_segment_id = 0;
  std::optional<stats::SegmentMatching> matching;  // set by --previous
  // Profiles, KPIs, fairness audits, quality and names (moments above are profiles.features[f].moments).
  stats::SegmentProfiles profiles;
  // Privacy: segments smaller than this are not substantial and their statistics are suppressed
  // in every report (results.h5 keeps them: it holds per-customer rows anyway). 0 = no floor.
  std::int64_t min_segment_size = 50;
  double fairness_threshold = 0.8;
  std::optional<SweepSummary> sweep;
  std::optional<ClvSummary> clv;  // segment --clv
  // Wall time per phase, in order.
  std::vector<std::pair<std::string, double>> timings;
  std::string custseg_version, created_utc, input_fingerprint;
  // Model provenance (results.h5 /model, docs/results-format.md): the input as read (absolute
  // path), its key and id column, the feature storage, the effective options as INI text; for a
  // scored result, the model it was scored with (its /model is a copy of that model's).
  std::string input_path, input_key, id_column, precision, config_text, scored_with_model;
  // custseg score: rows assigned per second of wall time and the share of it spent reading.
  struct Throughput {
    double rows_per_second = 0.0, read_share = 0.0;
  };
  std::optional<Throughput> throughput;

  [[nodiscard]] std::int32_t segment_id(std::size_t c) const {
    return c < segment_ids.size() ? segment_ids[c] : static_cast<std::int32_t>(c);
  }
  [[nodiscard]] std::int64_t next_id() const {
    std::int64_t next = std::max<std::int64_t>(next_segment_id, static_cast<std::int64_t>(k));
    for (const std::int32_t id : segment_ids) next = std::max<std::int64_t>(next, std::int64_t{id} + 1);
    return next;
  }
  [[nodiscard]] std::size_t dims() const { return scaling.names.size(); }
  [[nodiscard]] std::uint64_t rows_assigned() const { return rows_total - rows_dropped; }
  // Segmented customers a --profile column's mix leaves out (no value in that column).
  [[nodiscard]] std::int64_t unknown_in(const stats::CategoryMix& mix) const {
    return static_cast<std::int64_t>(rows_assigned()) - mix.known();
  }
  [[nodiscard]] bool substantial(std::size_t c) const { return kmeans.counts[c] >= min_segment_size; }
  // Complementary suppression (as statistical offices do): with exactly one small segment, its
  // count and KPI totals would follow from the population totals minus the other segments, so the
  // smallest substantial segment (lowest index on ties) is suppressed with it.
  [[nodiscard]] bool complementary(std::size_t c) const {
    std::size_t small = 0, smallest = k;
    for (std::size_t i = 0; i < k; ++i) {
      if (!substantial(i)) ++small;
      else if (smallest == k || kmeans.counts[i] < kmeans.counts[smallest]) smallest = i;
    }
    return small == 1 && c == smallest;
  }
  // Figures withheld from every report: small segments and their complement.
  [[nodiscard]] bool suppressed(std::size_t c) const { return !substantial(c) || complementary(c); }
  // What reports print instead of a suppressed segment's count.
  [[nodiscard]] std::string suppressed_text() const { return "< " + std::to_string(min_segment_size); }
  [[nodiscard]] std::string hidden_count(std::size_t c) const { return substantial(c) ? "suppressed" : suppressed_text(); }
  // One line saying why a segment's figures are missing.
  [[nodiscard]] std::string suppression_reason(std::size_t c) const {
    return substantial(c) ? "suppressed to protect a smaller segment" : suppressed_text() + " customers: suppressed";
  }
  // The name every report and assignments.csv give segment c: its name, except that a segment
  // whose figures are suppressed (too small, or the complement that would reveal one) is "not
  // substantial" unless a person named it: a generated name describes the suppressed statistics.
  [[nodiscard]] std::string segment_name(std::size_t c) const {
    const bool named_by_person = c < profiles.name_sources.size() && profiles.name_sources[c] != "generated";
    if (suppressed(c) && !named_by_person) return "not substantial";
    return c < profiles.names.size() ? profiles.names[c] : "";
  }
  [[nodiscard]] std::string segment_action(std::size_t c) const {
    return c < profiles.actions.size() ? profiles.actions[c] : "";
  }
  [[nodiscard]] double share(std::size_t c) const {
    const auto n = rows_assigned();
    return n ? static_cast<double>(kmeans.counts[c]) / static_cast<double>(n) : 0.0;
  }
};

}  // namespace custseg::report
