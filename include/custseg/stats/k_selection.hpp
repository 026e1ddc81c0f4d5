#pragma once
// Choosing k from a sweep. The rule (documented in configs/sweep.ini and the reports):
//   1. candidates: every k whose restarts agree (stability = mean pairwise adjusted Rand index of
//      the restarts' labels on the sample >= min_stability; a single restart counts as stable) and
//      whose smallest segment has at least min_segment_size customers (all segments substantial);
//   2. among the candidates, the highest silhouette; ties go to the smaller k;
//   3. no candidate: the highest silhouette over all k (ties: smaller k); no silhouette at all:
//      the highest Calinski-Harabasz.
#include <cstdint>
#include <string>
#include <vector>

#include "custseg/stats/cluster_quality_types.hpp"

namespace custseg::stats {

struct SweepPoint {
  std::size_t k = 0;
  double inertia = 0.0;  // best restart, k-means space
  int iterations = 0;
  bool converged = false;
  ClusterQuality quality;
  double stability = 1.0;  // mean pairwise ARI across restarts
  std::int64_t smallest_segment = 0;
  std::vector<double> restart_inertia;
};

struct KChoice {
  std::size_t k = 0;
  bool from_candidates = false;  // false: no k met the stability and size conditions
};

KChoice recommend_k(const std::vector<SweepPoint>& points, double min_stability, std::int64_t min_segment_size);

// One sentence describing the rule with its parameters, for the reports.
std::string recommendation_rule(double min_stability, std::int64_t min_segment_size);

}  // namespace custseg::stats
