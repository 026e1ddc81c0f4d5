#pragma once
// Fast exact accumulation of cluster sums: int64 cells per thread, folded into the Int128
// ClusterSums every kChunkRows contributions.
//
// A value v becomes the integer trunc(v * 2^e) (cluster_sums.hpp). Multiplying by a power of two
// is exact, and the cast to int64 truncates toward zero, so each row's contribution is a pure
// function of the row: the totals are the same integers for any split over ranks, threads and
// chunks, and any order. The scales keep |v * 2^e| < 2^51, so kChunkRows (2^10) contributions
// fit an int64 with room to spare; that replaces an llrint and an Int128 add per value with one
// multiply, one convert and one int64 add, which the compiler vectorises.
#include <cmath>
#include <cstdint>
#include <vector>

#include "custseg/kmeans/cluster_sums.hpp"

namespace custseg::kmeans {

template <class T>
class ChunkAccumulator {
 public:
  ChunkAccumulator(const SumScales& scales, ClusterSums& target)
      : k_(target.k), d_(target.d), target_(target), sums_(target.k * target.d, 0), counts_(target.k, 0),
        multiplier_(target.d) {
    for (std::size_t j = 0; j < d_; ++j) multiplier_[j] = std::ldexp(1.0, scales.dim[j].exponent());
    distance_multiplier_ = std::ldexp(1.0, scales.distance.exponent());
  }
  ChunkAccumulator(const ChunkAccumulator&) = delete;
  ChunkAccumulator& operator=(const ChunkAccumulator&) = delete;
  ~ChunkAccumulator() { fold(); }

  // Adds (sign = +1) or removes (sign = -1) one row from cluster c.
  void add_row(const T* row, std::size_t c, std::int64_t sign = 1) {
    std::int64_t* cell = sums_.data() + c * d_;
    const double* mult = multiplier_.data();
    if (sign > 0) {
      for (std::size_t j = 0; j < d_; ++j) cell[j] += static_cast<std::int64_t>(static_cast<double>(row[j]) * mult[j]);
    } else {
      for (std::size_t j = 0; j < d_; ++j) cell[j] -= static_cast<std::int64_t>(static_cast<double>(row[j]) * mult[j]);
    }
    counts_[c] += sign;
    if (++pending_ == kChunkRows) fold();
  }

  // The squared distance of one row to its centroid (the inertia term); call once per row
  // together with add_row, so the same chunk limit covers it.
  void add_distance(double distance2) { inertia_ += static_cast<std::int64_t>(distance2 * distance_multiplier_); }

  // Moves everything into the Int128 target and restarts the chunk.
  void fold() {
    if (pending_ == 0 && inertia_ == 0) return;
    for (std::size_t i = 0; i < sums_.size(); ++i) {
      target_.sums[i] += sums_[i];
      sums_[i] = 0;
    }
    for (std::size_t c = 0; c < k_; ++c) {
      target_.counts[c] += counts_[c];
      counts_[c] = 0;
    }
    target_.inertia += inertia_;
    inertia_ = 0;
    pending_ = 0;
  }

 private:
  std::size_t k_, d_;
  ClusterSums& target_;
  std::vector<std::int64_t> sums_, counts_;
  std::int64_t inertia_ = 0;
  std::vector<double> multiplier_;  // double: 2^e may exceed float's range for tiny data
  double distance_multiplier_ = 1.0;
  std::size_t pending_ = 0;
};

}  // namespace custseg::kmeans
