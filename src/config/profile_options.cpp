#include "custseg/config/profile_options.hpp"

#include "custseg/util/error.hpp"
#include "custseg/util/number_text.hpp"

namespace custseg::config {

void add_profile_options(po::options_description& desc, ProfileOptions& p) {
  desc.add_options()
      ("kpi", po::value(&p.kpi),
       "KPI columns reported per segment (sum, mean, share of total; rate for 0/1 columns), e.g. 'revenue_12m, churned' "
       "(default: columns whose 'role' attribute is kpi; 'none' for none)")
      ("protected", po::value(&p.protected_columns),
       "protected columns audited for fairness and never used as features, e.g. 'gender, age' (default: columns whose "
       "'role' attribute is protected; 'none' for none)")
      ("min-segment-size", po::value(&p.min_segment_size)->default_value(p.min_segment_size),
       "segments with fewer customers are flagged not substantial and their statistics suppressed in every report "
       "(shown as '< N'); 0 disables")
      ("fairness-threshold", po::value(&p.fairness_threshold)->default_value(p.fairness_threshold, number_text(p.fairness_threshold)),
       "flag a segment when the smallest protected group's selection rate is below this fraction of the largest's "
       "(0.8: the four-fifths rule)")
      ("silhouette-sample", po::value(&p.silhouette_sample)->default_value(p.silhouette_sample),
       "expected rows in the deterministic sample (keyed by global row) for the silhouette and restart stability; "
       "0 disables")
      ("profile", po::value(&p.profile),
       "columns shown per segment but never used as features: the mix of their categories in each segment (channel, "
       "region, country; integer codes by their 'categories' attribute) or, for numeric columns, of bands (--bands, "
       "else quartiles), e.g. 'country, age'")
      ("bands", po::value(&p.bands),
       "declared bands of numeric --profile/--protected columns, half-open like pandas.cut(right=False): "
       "'age:18,25,35,50,65' gives age < 18, 18 <= age < 25, ..., age >= 65; several columns separated by ';'")
      ("segment-labels", po::value(&p.segment_labels),
       "CSV of names and recommended actions by stable segment ID (columns segment_id,name,action; an empty name "
       "keeps the generated one); shown in every report and assignments.csv, stored in results.h5 and carried over "
       "by score and segment --previous");
}

stats::ProfileRequest profile_request(const ProfileOptions& p) {
  return {p.kpi, p.protected_columns, p.profile, p.bands};
}

void validate_profile_options(const ProfileOptions& p) {
  (void)stats::parse_bands(p.bands);  // a malformed --bands is a usage error before any data is read
  if (p.min_segment_size < 0) throw_usage("--min-segment-size must be 0 or more");
  if (!(p.fairness_threshold > 0 && p.fairness_threshold <= 1))
    throw_usage("--fairness-threshold must be in (0, 1] (got " + std::to_string(p.fairness_threshold) + ")");
  if (p.silhouette_sample < 0) throw_usage("--silhouette-sample must be 0 or more");
  if (p.silhouette_sample > 20000)
    throw_usage("--silhouette-sample is at most 20000 (the silhouette costs sample^2 distances on every rank)");
}

}  // namespace custseg::config
