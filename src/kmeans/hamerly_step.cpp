// Hamerly's algorithm (G. Hamerly, "Making k-means even faster", SDM 2010), exact in the sense of
// bounds.hpp: labels equal nearest_centroid's at every iteration.
//
// Per row: an upper bound on the distance to its centroid and a lower bound on the distance to
// every other centroid. Per iteration the bounds move by the centroid shifts; a row whose bounds
// (or Hamerly's half-distance to the nearest other centroid, s(a)) prove its label is read only
// for its label, not its features. Rows that fail are re-checked with the direct distance to their
// centroid and, failing again, searched with the blocked GEMM kernel.
#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

#include "custseg/kmeans/assign.hpp"
#include "custseg/kmeans/bound_steps.hpp"
#include "bound_step_base.hpp"

namespace custseg::kmeans {

namespace {

// Gap histogram bins: bin b holds gaps in [2^(b - kGapBinOffset), 2^(b - kGapBinOffset + 1));
// bin 0 also every gap <= 0. 64 bins from 2^-40 cover every float gap that matters.
constexpr int kGapBins = 64;
constexpr int kGapBinOffset = 40;
// Rows whose bounds are tested together before their reads are issued (memory-level parallelism).
constexpr std::size_t kBatchRows = 256;

int gap_bin(float gap) {
  if (!(gap > 0.0f)) return 0;
  if (std::isinf(gap)) return kGapBins - 1;
  return std::clamp(std::ilogb(gap) + kGapBinOffset, 0, kGapBins - 1);
}

// Largest and second-largest shift: a row's lower bound drops by the largest shift of a
// centroid other than its own.
struct LargestShifts {
  std::size_t arg_max = 0;
  double first = 0.0, second = 0.0;
};
LargestShifts largest_shifts(const std::vector<double>& shift) {
  LargestShifts s;
  for (std::size_t c = 0; c < shift.size(); ++c) {
    if (shift[c] > s.first) { s.second = s.first; s.first = shift[c]; s.arg_max = c; }
    else if (shift[c] > s.second) { s.second = shift[c]; }
  }
  return s;
}

// s(c): half the distance to the nearest other centroid, rounded down.
std::vector<double> half_gaps(const std::vector<double>& centroids, std::size_t k, std::size_t d) {
  std::vector<double> half_gap(k, std::numeric_limits<double>::infinity());
  for (std::size_t a = 0; a < k; ++a)
    for (std::size_t b = a + 1; b < k; ++b) {
      const double g = std::sqrt(squared_distance(centroids.data() + a * d, centroids.data() + b * d, d)) *
                       (0.5 - bounds::kSlack);
      half_gap[a] = std::min(half_gap[a], g);
      half_gap[b] = std::min(half_gap[b], g);
    }
  return half_gap;
}

template <class T>
class HamerlyStep final : public detail::BoundStep<T> {
  using Base = detail::BoundStep<T>;
  using Base::d_, Base::k_, Base::n_, Base::previous_, Base::rows_, Base::scales_, Base::upper_;

 public:
  HamerlyStep(const T* rows, std::size_t n, std::size_t d, std::size_t k, const SumScales& scales, double dense_above)
      : Base(rows, n, d, k, scales, dense_above), lower_(n) {}

 private:
  using Gaps = std::array<std::uint64_t, kGapBins>;

  // The gap histogram of the last pass predicts the failing fraction: a row can only fail when
  // its gap (lower - upper) is below the two shifts that erode it, at most 2 max_c |shift c|.
  bool dense_next(const std::vector<double>& centroids) const override {
    if (n_ == 0) return false;
    const std::vector<double> shift = bounds::shifts(previous_, centroids, k_, d_);
    const double erosion = 2.0 * *std::max_element(shift.begin(), shift.end());
    std::uint64_t failing = 0;
    for (int b = 0; b < kGapBins; ++b)
      if (b == 0 || std::ldexp(1.0, b - kGapBinOffset) < erosion) failing += gaps_[static_cast<std::size_t>(b)];
    return static_cast<double>(failing) / static_cast<double>(n_) > this->dense_above_;
  }

  void after_pass(bool, std::size_t) override {
    gaps_ = tbb::parallel_reduce(
        tbb::blocked_range<std::size_t>(0, n_, kBoundTaskRows), Gaps{},
        [&](const tbb::blocked_range<std::size_t>& r, Gaps h) {
          for (std::size_t i = r.begin(); i != r.end(); ++i) ++h[static_cast<std::size_t>(gap_bin(lower_[i] - upper_[i]))];
          return h;
        },
        [](Gaps a, const Gaps& b) {
          for (std::size_t i = 0; i < a.size(); ++i) a[i] += b[i];
          return a;
        });
  }

  ClusterSums full_pass(const CentroidPanel<T>& panel, std::span<std::int32_t> labels) override {
    return this->full_blocked_pass(panel, labels, [&](std::size_t first, std::size_t m, const float* runner_up) {
      std::copy_n(runner_up, m, lower_.data() + first);
    });
  }

  detail::SparsePass sparse_pass(const std::vector<double>& centroids, double e,
                                 std::span<std::int32_t> labels) override {
    const CentroidPanel<T> panel(centroids, k_, d_);
    const std::vector<double> shift = bounds::shifts(previous_, centroids, k_, d_);
    const LargestShifts largest = largest_shifts(shift);
    const std::vector<double> half_gap = half_gaps(centroids, k_, d_);
    return tbb::parallel_reduce(
        tbb::blocked_range<std::size_t>(0, n_, kBoundTaskRows), detail::SparsePass{ClusterSums(k_, d_), 0},
        [&](const tbb::blocked_range<std::size_t>& range, detail::SparsePass acc) {
          SparseTask task(*this, panel, centroids, e, labels, acc.delta);
          for (std::size_t b0 = range.begin(); b0 < range.end(); b0 += kBatchRows)
            task.batch(b0, std::min(range.end(), b0 + kBatchRows), shift, largest, half_gap);
          acc.searched += task.finish();
          return acc;
        },
        detail::MergeSums{});
  }

  // One TBB task of a sparse pass: failing rows are queued into a tile for the blocked kernel.
  class SparseTask {
   public:
    SparseTask(HamerlyStep& step, const CentroidPanel<T>& panel, const std::vector<double>& centroids, double e,
               std::span<std::int32_t> labels, ClusterSums& delta)
        : s_(step), panel_(panel), centroids_(centroids), e_(e), labels_(labels), chunk_(step.scales_, delta),
          tile_(kTileRows * step.d_) {}

    // Rows [b0, b1): first the bound test for the whole batch, then prefetches for every row
    // that must be read, then the reads. The failing rows are scattered, so issuing their loads
    // together matters more than anything else here.
    void batch(std::size_t b0, std::size_t b1, const std::vector<double>& shift, const LargestShifts& largest,
               const std::vector<double>& half_gap) {
      std::size_t needed = 0;
      for (std::size_t i = b0; i < b1; ++i) {
        const auto a = static_cast<std::size_t>(labels_[i]);
        const double u = static_cast<double>(s_.upper_[i]) + shift[a];
        const double l = static_cast<double>(s_.lower_[i]) - (a == largest.arg_max ? largest.second : largest.first);
        if (bounds::prunable(u, std::max(l, 2.0 * half_gap[a] - u), e_)) {
          s_.upper_[i] = bounds::round_up(u * (1.0 + bounds::kSlack));
          s_.lower_[i] = bounds::round_down(l * (1.0 - bounds::kSlack));
          continue;
        }
        need_lower_[needed] = l;
        need_[needed++] = i;
      }
      const std::size_t row_bytes = s_.d_ * sizeof(T);
      for (std::size_t q = 0; q < needed; ++q) {
        const char* p = reinterpret_cast<const char*>(s_.row(need_[q]));
        for (std::size_t off = 0; off < row_bytes; off += kCacheLineBytes) __builtin_prefetch(p + off, 0, 0);
      }
      for (std::size_t q = 0; q < needed; ++q) tighten_or_queue(need_[q], need_lower_[q], half_gap);
    }

    // Flushes the last tile; returns the rows searched by the kernel.
    std::size_t finish() {
      if (queued_ > 0) flush();
      chunk_.fold();
      return searched_;
    }

   private:
    // Tighten the upper bound with the exact distance to the current centroid; queue the row
    // for the kernel if that does not settle it.
    void tighten_or_queue(std::size_t i, double l, const std::vector<double>& half_gap) {
      const auto a = static_cast<std::size_t>(labels_[i]);
      const double u = static_cast<double>(
          bounds::upper_from_direct(squared_distance(s_.row(i), centroids_.data() + a * s_.d_, s_.d_), e_));
      if (bounds::prunable(u, std::max(l, 2.0 * half_gap[a] - u), e_)) {
        s_.upper_[i] = static_cast<float>(u);
        s_.lower_[i] = bounds::round_down(l * (1.0 - bounds::kSlack));
        return;
      }
      std::copy_n(s_.row(i), s_.d_, tile_.data() + queued_ * s_.d_);
      queued_rows_[queued_++] = i;
      if (queued_ == kTileRows) flush();
    }

    void flush() {
      assign_tile(tile_.data(), queued_, panel_, ws_, new_label_, nullptr, nullptr, up_, lo_);
      for (std::size_t q = 0; q < queued_; ++q) {
        const std::size_t i = queued_rows_[q];
        s_.upper_[i] = up_[q];
        s_.lower_[i] = lo_[q];
        if (new_label_[q] != labels_[i]) {
          chunk_.add_row(s_.row(i), static_cast<std::size_t>(labels_[i]), -1);
          chunk_.add_row(s_.row(i), static_cast<std::size_t>(new_label_[q]), +1);
          labels_[i] = new_label_[q];
        }
      }
      searched_ += queued_;
      queued_ = 0;
    }

    HamerlyStep& s_;
    const CentroidPanel<T>& panel_;
    const std::vector<double>& centroids_;
    double e_;
    std::span<std::int32_t> labels_;
    ChunkAccumulator<T> chunk_;
    TileWorkspace<T> ws_;
    std::vector<T> tile_;
    std::size_t queued_rows_[kTileRows];
    std::int32_t new_label_[kTileRows];
    float up_[kTileRows], lo_[kTileRows];
    std::size_t need_[kBatchRows];
    double need_lower_[kBatchRows];
    std::size_t queued_ = 0, searched_ = 0;
  };

  std::vector<float> lower_;  // per row: <= the distance to every other centroid
  Gaps gaps_{};
};

}  // namespace

std::unique_ptr<LocalStep> make_hamerly_step(const data::FeatureMatrix& x, std::size_t k, const SumScales& scales,
                                             double dense_above) {
  return data::visit_rows(x, [&](const auto* rows) -> std::unique_ptr<LocalStep> {
    using T = std::remove_cv_t<std::remove_pointer_t<decltype(rows)>>;
    return std::make_unique<HamerlyStep<T>>(rows, x.rows, x.dims, k, scales, dense_above);
  });
}

}  // namespace custseg::kmeans
