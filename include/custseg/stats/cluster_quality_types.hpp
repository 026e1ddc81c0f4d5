#pragma once
// The cluster quality figures (cluster_quality.hpp computes them) as plain data, for the sweep
// rule and the reports.
#include <cstdint>

namespace custseg::stats {

struct ClusterQuality {
  double within_ss = 0.0;
  double between_ss = 0.0;
  double calinski_harabasz = 0.0;  // NaN when fewer than 2 non-empty clusters or n <= clusters
  double davies_bouldin = 0.0;     // NaN when fewer than 2 non-empty clusters
  double silhouette = 0.0;         // NaN when not computed (empty sample or one cluster in it)
  std::uint64_t silhouette_sample = 0;
};

}  // namespace custseg::stats
