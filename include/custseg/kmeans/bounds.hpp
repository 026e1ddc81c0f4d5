#pragma once
// Arithmetic for the bound-based exact variants (Hamerly, Yinyang).
//
// Bounds are kept on TRUE Euclidean distances (real arithmetic on the stored row and the double
// centroid), where the triangle inequality holds, and stored as float rounded outward (upper
// bounds up, lower bounds down), which is both compact and safe: float's relative step (2^-24)
// dwarfs the double rounding (about 2^-50) of the updates feeding it. A row keeps its label a
// only when
//     U^2 + 2e < L^2      (prunable below),
// where U >= |x - c_a|, L <= |x - c| for every c != a, and e bounds the error of the direct
// formula (direct_error_bound, assign.hpp). Then D(a) <= U^2 + e < L^2 - e <= D(c): the label is
// the strict minimiser of the direct formula, which is exactly what nearest_centroid and the
// blocked kernel return. Rows that fail the test are searched again with the direct formula or
// the blocked kernel, so labels equal Lloyd's at every iteration whatever the bounds say.
#include <algorithm>
#include <bit>
#include <cstdint>
#include <cmath>
#include <cstddef>
#include <limits>
#include <vector>

namespace custseg::kmeans::bounds {

// Next float up / down by stepping the bit pattern (v >= 0 and finite; no libm call per row).
inline float next_up(float f) {
  const auto bits = std::bit_cast<std::uint32_t>(f);
  return std::bit_cast<float>(bits + (f >= 0.0f && f < std::numeric_limits<float>::infinity() ? 1u : 0u));
}
inline float next_down(float f) {
  const auto bits = std::bit_cast<std::uint32_t>(f);
  return f > 0.0f ? std::bit_cast<float>(bits - 1u) : 0.0f;
}
inline float round_up(double v) {
  const float f = static_cast<float>(v);
  return static_cast<double>(f) < v ? next_up(f) : f;
}
inline float round_down(double v) {
  if (!(v > 0.0)) return 0.0f;
  const float f = static_cast<float>(v);
  return static_cast<double>(f) > v ? next_down(f) : f;
}

inline constexpr double kSlack = 0x1.0p-40;  // relative slack for double-computed shifts and norms

// Bounds that decayed below zero prove nothing (and would square to a positive number).
inline bool prunable(double upper, double lower, double e) {
  return lower > 0.0 && upper * upper * (1.0 + kSlack) + 2.0 * e < lower * lower * (1.0 - kSlack);
}

// Upper bound on the true distance from a direct-formula value D: |x - c|^2 <= D + e.
inline float upper_from_direct(double d2, double e) { return round_up(std::sqrt(d2 + e) * (1.0 + kSlack)); }
// Lower bound on the true distance from a lower bound on the true squared distance.
inline float lower_from_squared(double lb2) { return round_down(std::sqrt(std::max(0.0, lb2)) * (1.0 - kSlack)); }
inline float lower_from_direct(double d2, double e) { return lower_from_squared(d2 - e); }

// Per-centroid movement |c_new - c_old|, rounded up.
inline std::vector<double> shifts(const std::vector<double>& old_c, const std::vector<double>& new_c, std::size_t k,
                                  std::size_t d) {
  std::vector<double> s(k);
  for (std::size_t c = 0; c < k; ++c) {
    double t = 0.0;
    for (std::size_t j = 0; j < d; ++j) {
      const double diff = new_c[c * d + j] - old_c[c * d + j];
      t += diff * diff;
    }
    s[c] = std::sqrt(t) * (1.0 + kSlack) + 1e-300;
  }
  return s;
}

inline double max_norm(const std::vector<double>& centroids, std::size_t k, std::size_t d) {
  double m = 0.0;
  for (std::size_t c = 0; c < k; ++c) {
    double t = 0.0;
    for (std::size_t j = 0; j < d; ++j) t += centroids[c * d + j] * centroids[c * d + j];
    m = std::max(m, std::sqrt(t));
  }
  return m * (1.0 + kSlack);
}

}  // namespace custseg::kmeans::bounds
