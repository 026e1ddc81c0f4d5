#pragma once
// The reference ("direct") squared distance and nearest-centroid search for one row. Every label
// custseg reports is defined by these two functions: the blocked GEMM kernel and the bound-based
// variants only decide faster which centroid they pick, and fall back to this formula whenever
// rounding could matter (blocked_assign.hpp, bounds.hpp).
//
// The arithmetic for a row depends only on the row and the centroid, never on where the row sits
// in a block, so a row gets the same label and distance on any rank and thread (DESIGN.md,
// reproducibility). The sum runs over kLanes independent partial sums (feature j goes to lane
// j % kLanes) folded in a fixed tree: a fixed order, like a plain loop, but one that vectorises
// and does not serialise on the add latency. Rows stored as float are widened exactly to double.
#include <cstddef>
#include <cstdint>
#include <limits>

namespace custseg::kmeans {

struct Nearest {
  std::int32_t label = -1;
  double distance2 = std::numeric_limits<double>::infinity();
};

inline constexpr std::size_t kLanes = 8;

template <class T>
inline double squared_distance(const T* x, const double* c, std::size_t d) {
  double lane[kLanes] = {0, 0, 0, 0, 0, 0, 0, 0};
  std::size_t j = 0;
  for (; j + kLanes <= d; j += kLanes)
    for (std::size_t l = 0; l < kLanes; ++l) {
      const double diff = static_cast<double>(x[j + l]) - c[j + l];
      lane[l] += diff * diff;
    }
  for (std::size_t l = 0; j + l < d; ++l) {
    const double diff = static_cast<double>(x[j + l]) - c[j + l];
    lane[l] += diff * diff;
  }
  return ((lane[0] + lane[1]) + (lane[2] + lane[3])) + ((lane[4] + lane[5]) + (lane[6] + lane[7]));
}

// Ties go to the lowest centroid index.
template <class T>
inline Nearest nearest_centroid(const T* x, const double* centroids, std::size_t k, std::size_t d) {
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

// A rigorous bound on |squared_distance(x, c) - |x - c|^2| (exact real value), for rows and
// centroids of Euclidean norm at most `norm_x` and `norm_c`: each of the d products and d + 3
// additions on any path rounds once in double (relative 2^-53), and every term is at most
// (|x| + |c|)^2. Used by the bound-based variants to turn real-valued triangle-inequality bounds
// into statements about this formula.
inline double direct_error_bound(double norm_x, double norm_c, std::size_t d) {
  const double s = norm_x + norm_c;
  return 0x1.0p-52 * static_cast<double>(d + 4) * s * s * 1.01 + 1e-300;
}

}  // namespace custseg::kmeans
