#pragma once
// Metrics of a row sample that every rank holds whole (row_sample.hpp): pure, deterministic
// functions with a fixed summation order, so they give the same bits on every rank.
#include <cstdint>
#include <span>

namespace custseg::stats {

// Mean silhouette of the sample rows (values: m x d, row-major), Euclidean distance; a row alone in
// its cluster scores 0 (scikit-learn). Pure and deterministic: fixed summation order.
double silhouette(std::span<const double> values, std::size_t dims, std::span<const std::int32_t> labels,
                  std::size_t k);

// Adjusted Rand index of two labelings of the same rows (Hubert & Arabie 1985); 1 when identical up
// to renaming; 1 when both put everything in one cluster.
double adjusted_rand_index(std::span<const std::int32_t> a, std::span<const std::int32_t> b);

namespace detail {
// Squared Euclidean distance, summed in index order (the quality metrics rely on that order).
inline double distance2(const double* a, const double* b, std::size_t d) {
  double s = 0.0;
  for (std::size_t j = 0; j < d; ++j) {
    const double diff = a[j] - b[j];
    s += diff * diff;
  }
  return s;
}
}  // namespace detail

}  // namespace custseg::stats
