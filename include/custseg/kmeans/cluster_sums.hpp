#pragma once
// The mergeable summary of one Lloyd pass (DESIGN.md, "The one pattern"): per-cluster
// coordinate sums and counts, and the inertia, all in exact fixed point so that merging in any
// order, over any split of rows into ranks and threads, gives the same bits.
#include <cstdint>
#include <span>
#include <vector>

#include "custseg/util/fixed_point.hpp"

namespace custseg::kmeans {

// Rows a thread may add into one int64 accumulator cell before it must fold into Int128
// (chunk_accumulator.hpp). The scales leave kHeadroomBits spare so that kChunkRows values, each
// below 2^(62 - kHeadroomBits), cannot overflow an int64.
inline constexpr int kHeadroomBits = 11;
inline constexpr std::size_t kChunkRows = std::size_t{1} << (kHeadroomBits - 1);

// Fixed-point scales, fixed from the global data range before any pass.
struct SumScales {
  std::vector<FixedPoint> dim;  // one per feature: coordinates in the k-means space
  FixedPoint distance;          // squared distances (inertia, k-means|| potential)

  // From the global per-feature maximum magnitude. Any centroid is a mean of points, so it lies
  // inside the same box, and a squared distance is at most sum_j (2 max_abs_j)^2. Every value
  // maps below 2^(62 - kHeadroomBits); the step is still 2^-50 of the largest magnitude, far
  // below float32 resolution and within one double ulp of the largest values.
  static SumScales from_max_abs(const std::vector<double>& max_abs);
};

struct ClusterSums {
  std::size_t k = 0, d = 0;
  std::vector<Int128> sums;    // k * d
  std::vector<Int128> counts;  // k (Int128 so the whole summary travels in one reduction)
  Int128 inertia = 0;

  ClusterSums() = default;
  ClusterSums(std::size_t k_, std::size_t d_) : k(k_), d(d_), sums(k_ * d_, 0), counts(k_, 0) {}
  void merge(const ClusterSums& other);

  // One flat buffer [sums | counts | inertia] for a single collective per iteration.
  [[nodiscard]] std::vector<Int128> pack() const;
  void unpack(std::span<const Int128> buffer);
};

}  // namespace custseg::kmeans
