#include "custseg/stats/k_selection.hpp"

#include <cmath>
#include <cstdio>

namespace custseg::stats {

namespace {
// Best point by `score` (higher wins, NaN never wins, ties keep the earlier = smaller k).
template <class Score, class Keep>
std::size_t best_by(const std::vector<SweepPoint>& points, Score score, Keep keep) {
  std::size_t best = points.size();
  for (std::size_t i = 0; i < points.size(); ++i) {
    if (!keep(points[i]) || !std::isfinite(score(points[i]))) continue;
    if (best == points.size() || score(points[i]) > score(points[best])) best = i;
  }
  return best;
}
}  // namespace

KChoice recommend_k(const std::vector<SweepPoint>& points, double min_stability, std::int64_t min_segment_size) {
  KChoice choice;
  if (points.empty()) return choice;
  auto sil = [](const SweepPoint& p) { return p.quality.silhouette; };
  auto ch = [](const SweepPoint& p) { return p.quality.calinski_harabasz; };
  auto candidate = [&](const SweepPoint& p) {
    return (!std::isfinite(p.stability) || p.stability >= min_stability) && p.smallest_segment >= min_segment_size;
  };
  auto any = [](const SweepPoint&) { return true; };
  std::size_t i = best_by(points, sil, candidate);
  choice.from_candidates = i < points.size();
  if (i == points.size()) i = best_by(points, sil, any);
  if (i == points.size()) i = best_by(points, ch, any);
  if (i == points.size()) i = 0;
  choice.k = points[i].k;
  return choice;
}

std::string recommendation_rule(double min_stability, std::int64_t min_segment_size) {
  char buf[512];
  std::snprintf(buf, sizeof buf,
                "recommended k = the highest silhouette among the k whose restarts agree (mean adjusted Rand index "
                ">= %.2f) and whose smallest segment has >= %lld customers; ties go to the smaller k; if no k "
                "qualifies, the highest silhouette overall",
                min_stability, static_cast<long long>(min_segment_size));
  return buf;
}

}  // namespace custseg::stats
