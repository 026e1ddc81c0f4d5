#pragma once
// The definitions every report states, in one place so JSON and HTML say the same thing.
namespace custseg::report::definitions {

inline constexpr const char* kQuantiles =
    "exact quantiles p5, p25, p50, p75, p95 over all ranks (radix selection on exact integer counts); numpy's "
    "default 'linear' convention: with n sorted values x_0..x_{n-1} and h = p(n-1), "
    "q = x_floor(h) + (h - floor(h)) (x_floor(h)+1 - x_floor(h))";
inline constexpr const char* kIndex = "index = segment mean / population mean x 100 (100 = average)";
inline constexpr const char* kStdDiff =
    "standardized difference = (segment mean - population mean) / population standard deviation";
inline constexpr const char* kNames =
    "names list up to 3 features with the largest |standardized difference| (>= 0.25), 'high' or 'low'; on "
    "recency and frequency (and monetary) only, the RFM segment map: R and F scores 1-5 from where the segment's "
    "median falls among the population's p5-p95, looked up in the RFM grid (Champions, Loyal customers, At risk, "
    "Hibernating, Lost, ...; docs/outputs.md); --segment-labels FILE (segment_id,name,action) replaces names and "
    "adds actions by stable segment ID, and score (or segment --previous) carries them over from the model";
inline constexpr const char* kQuality =
    "quality in the space k-means ran in (after transforms and standardization): inertia and within-cluster sum of "
    "squares, Calinski-Harabasz (higher is better), Davies-Bouldin (lower is better), exact and distributed; "
    "silhouette (-1..1, higher is better) on a deterministic sample keyed by global row";
inline constexpr const char* kFairness =
    "per segment, each protected group's share of the segment against its share of the population; selection rate "
    "of a group = its customers in the segment / its customers overall; the segment is flagged when the smallest "
    "group's rate is below the threshold times the largest's (four-fifths rule at 0.8)";
inline constexpr const char* kPrivacy =
    "segments with fewer customers than min_segment_size are not substantial: their statistics are suppressed in "
    "every report and shown as '< min_segment_size'; no report contains a customer id";
inline constexpr const char* kStability =
    "stability = mean adjusted Rand index between the restarts' labels on the sample (1 = identical segmentations)";

}  // namespace custseg::report::definitions
