#include <cmath>
#include <limits>

#include "custseg/stats/segment_profiles_types.hpp"

namespace custseg::stats {

void fill_differences(FeatureProfile& p, std::size_t k) {
  constexpr double nan = std::numeric_limits<double>::quiet_NaN();
  const double pop_mean = p.moments.mean[k], pop_std = p.moments.std[k];
  p.index.assign(k, nan);
  p.std_diff.assign(k, nan);
  for (std::size_t c = 0; c < k; ++c) {
    if (p.moments.count[c] == 0) continue;
    if (pop_mean != 0.0 && std::isfinite(pop_mean)) p.index[c] = p.moments.mean[c] / pop_mean * 100.0;
    if (pop_std > 0.0) p.std_diff[c] = (p.moments.mean[c] - pop_mean) / pop_std;
  }
}

}  // namespace custseg::stats
