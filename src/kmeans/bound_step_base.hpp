#pragma once
// The skeleton the bound-based steps (Hamerly, Yinyang) share: the rows they were built over,
// their running cluster sums, the dense-or-sparse decision of each call and its bookkeeping.
// A derived step supplies only what differs: its bounds, its full pass and its sparse pass.
//
// Cluster sums are kept per rank and, after a full pass, updated only for rows that change
// cluster: integer sums make add-then-subtract exact, so they equal Lloyd's recomputed sums bit
// for bit (local_step.hpp).
#include <algorithm>
#include <cmath>
#include <span>
#include <vector>

#include <tbb/blocked_range.h>
#include <tbb/parallel_reduce.h>

#include "custseg/kmeans/blocked_assign.hpp"
#include "custseg/kmeans/bounds.hpp"
#include "custseg/kmeans/chunk_accumulator.hpp"
#include "custseg/kmeans/local_step.hpp"

namespace custseg::kmeans::detail {

// The largest row norm, rounded up: the direct formula's error bound needs it.
template <class T>
double max_row_norm(const T* rows, std::size_t n, std::size_t d) {
  double m = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    double t = 0.0;
    for (std::size_t j = 0; j < d; ++j) t += static_cast<double>(rows[i * d + j]) * static_cast<double>(rows[i * d + j]);
    m = std::max(m, t);
  }
  return std::sqrt(m) * (1.0 + bounds::kSlack);
}

// What a sparse pass gives: the change of the cluster sums (rows that moved) and its own count
// of searched rows, merged by the TBB reduction like the sums.
struct SparsePass {
  ClusterSums delta;
  std::size_t searched = 0;
};

struct MergeSums {
  ClusterSums operator()(ClusterSums a, const ClusterSums& b) const {
    a.merge(b);
    return a;
  }
  SparsePass operator()(SparsePass a, const SparsePass& b) const {
    a.delta.merge(b.delta);
    a.searched += b.searched;
    return a;
  }
};

template <class T>
class BoundStep : public LocalStep {
 public:
  LocalPass run(const std::vector<double>& centroids, std::span<std::int32_t> labels) final {
    const double e = direct_error_bound(xmax_, bounds::max_norm(centroids, k_, d_), d_);
    std::size_t searched = n_;
    pass_was_full_ = previous_.empty() || dense_next(centroids);
    if (pass_was_full_) {
      sums_ = full_pass(CentroidPanel<T>(centroids, k_, d_), labels);
    } else {
      SparsePass pass = sparse_pass(centroids, e, labels);
      sums_.merge(pass.delta);
      searched = pass.searched;
    }
    after_pass(pass_was_full_, searched);
    previous_ = centroids;
    LocalPass out{sums_, searched};
    out.sums.inertia = 0;
    return out;
  }

 protected:
  BoundStep(const T* rows, std::size_t n, std::size_t d, std::size_t k, const SumScales& scales, double dense_above)
      : rows_(rows), n_(n), d_(d), k_(k), scales_(scales), dense_above_(dense_above), upper_(n),
        xmax_(max_row_norm(rows, n, d)) {}

  // Whether the coming call should be a full pass (previous_ holds the last call's centroids).
  virtual bool dense_next(const std::vector<double>& centroids) const = 0;
  // Every row through the blocked kernel: labels, full sums, every bound.
  virtual ClusterSums full_pass(const CentroidPanel<T>& panel, std::span<std::int32_t> labels) = 0;
  // Only the rows whose bounds fail are read; returns the change of the sums.
  virtual SparsePass sparse_pass(const std::vector<double>& centroids, double e, std::span<std::int32_t> labels) = 0;
  // Bookkeeping after either pass (e.g. the gap histogram that predicts the next one).
  virtual void after_pass(bool was_full, std::size_t searched) {}

  // The blocked kernel over all rows, with labels and upper bounds; on_tile(first row, rows,
  // runner-up lower bounds) stores the lower bounds the way the step keeps them.
  template <class OnTile>
  ClusterSums full_blocked_pass(const CentroidPanel<T>& panel, std::span<std::int32_t> labels, OnTile on_tile) {
    return tbb::parallel_reduce(
        tbb::blocked_range<std::size_t>(0, n_, kBoundTaskRows), ClusterSums(k_, d_),
        [&](const tbb::blocked_range<std::size_t>& range, ClusterSums acc) {
          TileWorkspace<T> ws;
          float runner_up[kTileRows];
          ChunkAccumulator<T> chunk(scales_, acc);
          for (std::size_t b = range.begin(); b < range.end(); b += kTileRows) {
            const std::size_t m = std::min(kTileRows, range.end() - b);
            assign_tile(rows_ + b * d_, m, panel, ws, labels.data() + b, nullptr, nullptr, upper_.data() + b, runner_up);
            for (std::size_t i = 0; i < m; ++i) chunk.add_row(rows_ + (b + i) * d_, static_cast<std::size_t>(labels[b + i]));
            on_tile(b, m, runner_up);
          }
          chunk.fold();
          return acc;
        },
        MergeSums{});
  }

  [[nodiscard]] const T* row(std::size_t i) const { return rows_ + i * d_; }

  const T* rows_;
  std::size_t n_, d_, k_;
  SumScales scales_;
  double dense_above_;
  std::vector<float> upper_;       // per row: >= the distance to its centroid
  ClusterSums sums_;               // this rank's running sums
  std::vector<double> previous_;   // centroids of the last call
  double xmax_;
  bool pass_was_full_ = false;
};

}  // namespace custseg::kmeans::detail
