#include "custseg/kmeans/cluster_sums.hpp"

#include <algorithm>
#include <cmath>

namespace custseg::kmeans {

SumScales SumScales::from_max_abs(const std::vector<double>& max_abs) {
  SumScales s;
  double bound = 0.0;
  const double headroom = std::ldexp(1.0, kHeadroomBits);
  for (double m : max_abs) {
    s.dim.push_back(FixedPoint::for_max_abs(m * headroom));
    bound += 4.0 * m * m;
  }
  s.distance = FixedPoint::for_max_abs(bound * headroom);
  return s;
}

void ClusterSums::merge(const ClusterSums& other) {
  for (std::size_t i = 0; i < sums.size(); ++i) sums[i] += other.sums[i];
  for (std::size_t c = 0; c < k; ++c) counts[c] += other.counts[c];
  inertia += other.inertia;
}

std::vector<Int128> ClusterSums::pack() const {
  std::vector<Int128> buffer;
  buffer.reserve(sums.size() + counts.size() + 1);
  buffer.insert(buffer.end(), sums.begin(), sums.end());
  buffer.insert(buffer.end(), counts.begin(), counts.end());
  buffer.push_back(inertia);
  return buffer;
}

void ClusterSums::unpack(std::span<const Int128> buffer) {
  std::copy_n(buffer.begin(), sums.size(), sums.begin());
  std::copy_n(buffer.begin() + static_cast<std::ptrdiff_t>(sums.size()), k, counts.begin());
  inertia = buffer[sums.size() + k];
}

}  // namespace custseg::kmeans
