#pragma once
// Nearest-centroid search for one row. The arithmetic for a row depends only on the row and the
// centroids (fixed loop order, no FMA contraction), never on where the row sits in a block, so a
// row gets the same label and distance on any rank and thread (DESIGN.md, reproducibility).
#include <cstddef>
#include <cstdint>
#include <limits>

namespace custseg::kmeans {

struct Nearest {
  std::int32_t label = -1;
  double distance2 = std::numeric_limits<double>::infinity();
};

inline double squared_distance(const double* x, const double* c, std::size_t d) {
  double s = 0.0;
  for (std::size_t j = 0; j < d; ++j) {
    const double diff = x[j] - c[j];
    s += diff * diff;
  }
  return s;
}

// Ties go to the lowest centroid index.
inline Nearest nearest_centroid(const double* x, const double* centroids, std::size_t k, std::size_t d) {
  Nearest best;
  for (std::size_t c = 0; c < k; ++c) {
    const double dist = squared_distance(x, centroids + c * d, d);
    if (dist < best.distance2) {
      best.distance2 = dist;
      best.label = static_cast<std::int32_t>(c);
    }
  }
  return best;
}

}  // namespace custseg::kmeans
