// Hamerly's algorithm (G. Hamerly, "Making k-means even faster", SDM 2010), exact in the sense of
// bounds.hpp: labels equal nearest_centroid's at every iteration.
//
// Per row: an upper bound on the distance to its centroid and a lower bound on the distance to
// every other centroid. Per iteration the bounds move by the centroid shifts; a row whose bounds
// (or Hamerly's half-distance to the nearest other centroid, s(a)) prove its label is read only
// for its label, not its features. Rows that fail are re-checked with the direct distance to their
// centroid and, failing again, searched with the blocked GEMM kernel. Cluster sums are kept per
// rank and updated only for rows that change cluster: integer sums make add-then-subtract exact,
// so they equal Lloyd's recomputed sums bit for bit.
#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

#include <tbb/blocked_range.h>
#include <tbb/parallel_reduce.h>

#include "custseg/kmeans/assign.hpp"
#include "custseg/kmeans/blocked_assign.hpp"
#include "custseg/kmeans/bound_steps.hpp"
#include "custseg/kmeans/bounds.hpp"
#include "custseg/kmeans/chunk_accumulator.hpp"

namespace custseg::kmeans {

namespace {

constexpr std::size_t kTaskRows = 4096;

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

template <class T>
class HamerlyStep final : public LocalStep {
 public:
  HamerlyStep(const T* rows, std::size_t n, std::size_t d, std::size_t k, const SumScales& scales, double dense_above)
      : rows_(rows), n_(n), d_(d), k_(k), scales_(scales), upper_(n), lower_(n), sums_(k, d),
        xmax_(max_row_norm(rows, n, d)), dense_above_(dense_above) {}

  ClusterSums run(const std::vector<double>& centroids, std::span<std::int32_t> labels) override {
    const CentroidPanel<T> panel(centroids, k_, d_);
    const double e = direct_error_bound(xmax_, bounds::max_norm(centroids, k_, d_), d_);
    // A sparse pass costs about three full-pass rows per row it has to read (scattered reads,
    // tightening, the tile search), so it only pays while few rows fail their bounds. A row can
    // only fail when its gap (lower - upper) is below the two shifts that erode it, at most
    // 2 max_c |shift c|: the histogram of gaps from the last pass predicts the failing
    // fraction, and above dense_above_ (0.2 by default) the next pass is a full blocked pass (which also refreshes
    // every bound).
    const bool dense = previous_.empty() || predicted_failing(centroids) > dense_above_;
    if (dense) {
      full_pass(panel, labels);
    } else {
      ClusterSums delta = next_pass(panel, centroids, e, labels);
      sums_.merge(delta);
    }
    record_gaps();
    previous_ = centroids;
    ClusterSums out = sums_;
    out.inertia = 0;
    return out;
  }
  [[nodiscard]] std::size_t rows_searched() const override { return searched_; }

 private:
  static constexpr int kGapBins = 64;  // bin b: gap in [2^(b - 40), 2^(b - 39)); bin 0 also <= 0

  static int gap_bin(float gap) {
    if (!(gap > 0.0f)) return 0;
    if (std::isinf(gap)) return kGapBins - 1;
    return std::clamp(std::ilogb(gap) + 40, 0, kGapBins - 1);
  }

  void record_gaps() {
    using Hist = std::array<std::uint64_t, kGapBins>;
    gaps_ = tbb::parallel_reduce(
        tbb::blocked_range<std::size_t>(0, n_, 1 << 16), Hist{},
        [&](const tbb::blocked_range<std::size_t>& r, Hist h) {
          for (std::size_t i = r.begin(); i != r.end(); ++i) ++h[static_cast<std::size_t>(gap_bin(lower_[i] - upper_[i]))];
          return h;
        },
        [](Hist a, const Hist& b) {
          for (int i = 0; i < kGapBins; ++i) a[static_cast<std::size_t>(i)] += b[static_cast<std::size_t>(i)];
          return a;
        });
  }

  double predicted_failing(const std::vector<double>& centroids) const {
    if (n_ == 0) return 0.0;
    const std::vector<double> shift = bounds::shifts(previous_, centroids, k_, d_);
    const double erosion = 2.0 * *std::max_element(shift.begin(), shift.end());
    std::uint64_t failing = 0;
    for (int b = 0; b < kGapBins; ++b)
      if (b == 0 || std::ldexp(1.0, b - 40) < erosion) failing += gaps_[static_cast<std::size_t>(b)];
    return static_cast<double>(failing) / static_cast<double>(n_);
  }

  // All rows through the blocked kernel: labels, full sums, and both bounds.
  void full_pass(const CentroidPanel<T>& panel, std::span<std::int32_t> labels) {
    searched_ = n_;
    sums_ = tbb::parallel_reduce(
        tbb::blocked_range<std::size_t>(0, n_, kTaskRows), ClusterSums(k_, d_),
        [&](const tbb::blocked_range<std::size_t>& range, ClusterSums acc) {
          TileWorkspace<T> ws;
          ChunkAccumulator<T> chunk(scales_, acc);
          for (std::size_t b = range.begin(); b < range.end(); b += kTileRows) {
            const std::size_t m = std::min(kTileRows, range.end() - b);
            assign_tile(rows_ + b * d_, m, panel, ws, labels.data() + b, nullptr, nullptr, upper_.data() + b,
                        lower_.data() + b);
            for (std::size_t i = 0; i < m; ++i)
              chunk.add_row(rows_ + (b + i) * d_, static_cast<std::size_t>(labels[b + i]));
          }
          chunk.fold();
          return acc;
        },
        [](ClusterSums a, const ClusterSums& b) {
          a.merge(b);
          return a;
        });
  }

  ClusterSums next_pass(const CentroidPanel<T>& panel, const std::vector<double>& centroids, double e,
                        std::span<std::int32_t> labels) {
    const std::vector<double> shift = bounds::shifts(previous_, centroids, k_, d_);
    // Largest and second-largest shift: a row's lower bound drops by the largest shift of a
    // centroid other than its own.
    std::size_t arg_max = 0;
    double max1 = 0.0, max2 = 0.0;
    for (std::size_t c = 0; c < k_; ++c) {
      if (shift[c] > max1) { max2 = max1; max1 = shift[c]; arg_max = c; }
      else if (shift[c] > max2) { max2 = shift[c]; }
    }
    // s(c): half the distance to the nearest other centroid, rounded down.
    std::vector<double> half_gap(k_, std::numeric_limits<double>::infinity());
    for (std::size_t a = 0; a < k_; ++a)
      for (std::size_t b = a + 1; b < k_; ++b) {
        const double g = std::sqrt(squared_distance(centroids.data() + a * d_, centroids.data() + b * d_, d_)) *
                         (0.5 - bounds::kSlack);
        half_gap[a] = std::min(half_gap[a], g);
        half_gap[b] = std::min(half_gap[b], g);
      }

    std::size_t searched = 0;
    ClusterSums delta = tbb::parallel_reduce(
        tbb::blocked_range<std::size_t>(0, n_, kTaskRows), ClusterSums(k_, d_),
        [&](const tbb::blocked_range<std::size_t>& range, ClusterSums acc) {
          ChunkAccumulator<T> chunk(scales_, acc);
          TileWorkspace<T> ws;
          std::vector<T> tile(kTileRows * d_);
          std::size_t queued_rows[kTileRows];
          std::int32_t new_label[kTileRows];
          float up[kTileRows], lo[kTileRows];
          std::size_t queued = 0, local_searched = 0;
          auto flush = [&] {
            assign_tile(tile.data(), queued, panel, ws, new_label, nullptr, nullptr, up, lo);
            for (std::size_t q = 0; q < queued; ++q) {
              const std::size_t i = queued_rows[q];
              upper_[i] = up[q];
              lower_[i] = lo[q];
              if (new_label[q] != labels[i]) {
                chunk.add_row(rows_ + i * d_, static_cast<std::size_t>(labels[i]), -1);
                chunk.add_row(rows_ + i * d_, static_cast<std::size_t>(new_label[q]), +1);
                labels[i] = new_label[q];
              }
            }
            local_searched += queued;
            queued = 0;
          };
          // Rows in batches: first the bound test for the whole batch, then prefetches for every
          // row that must be read, then the reads. The failing rows are scattered, so issuing
          // their loads together (memory-level parallelism) matters more than anything else here.
          constexpr std::size_t kBatch = 256;
          std::size_t need[kBatch];
          double need_l[kBatch];
          const std::size_t row_bytes = d_ * sizeof(T);
          for (std::size_t b0 = range.begin(); b0 < range.end(); b0 += kBatch) {
            const std::size_t b1 = std::min(range.end(), b0 + kBatch);
            std::size_t needed = 0;
            for (std::size_t i = b0; i < b1; ++i) {
              const auto a = static_cast<std::size_t>(labels[i]);
              const double u = static_cast<double>(upper_[i]) + shift[a];
              const double l = static_cast<double>(lower_[i]) - (a == arg_max ? max2 : max1);
              if (bounds::prunable(u, std::max(l, 2.0 * half_gap[a] - u), e)) {
                upper_[i] = bounds::round_up(u * (1.0 + bounds::kSlack));
                lower_[i] = bounds::round_down(l * (1.0 - bounds::kSlack));
                continue;
              }
              need_l[needed] = l;
              need[needed++] = i;
            }
            for (std::size_t q = 0; q < needed; ++q) {
              const char* p = reinterpret_cast<const char*>(rows_ + need[q] * d_);
              for (std::size_t off = 0; off < row_bytes; off += 64) __builtin_prefetch(p + off, 0, 0);
            }
            for (std::size_t q = 0; q < needed; ++q) {
              const std::size_t i = need[q];
              const auto a = static_cast<std::size_t>(labels[i]);
              const double l = need_l[q];
              // Tighten the upper bound with the exact distance to the current centroid.
              const T* row = rows_ + i * d_;
              const double u =
                  static_cast<double>(bounds::upper_from_direct(squared_distance(row, centroids.data() + a * d_, d_), e));
              if (bounds::prunable(u, std::max(l, 2.0 * half_gap[a] - u), e)) {
                upper_[i] = static_cast<float>(u);
                lower_[i] = bounds::round_down(l * (1.0 - bounds::kSlack));
                continue;
              }
              std::copy_n(row, d_, tile.data() + queued * d_);
              queued_rows[queued++] = i;
              if (queued == kTileRows) flush();
            }
          }
          if (queued > 0) flush();
          chunk.fold();
          acc.inertia += static_cast<Int128>(local_searched);  // carried out of the task, reset below
          return acc;
        },
        [](ClusterSums a, const ClusterSums& b) {
          a.merge(b);
          return a;
        });
    searched = static_cast<std::size_t>(delta.inertia);
    delta.inertia = 0;
    searched_ = searched;
    return delta;
  }

  const T* rows_;
  std::size_t n_, d_, k_;
  SumScales scales_;
  std::vector<float> upper_, lower_;
  ClusterSums sums_;
  std::vector<double> previous_;
  double xmax_;
  std::size_t searched_ = 0;
  std::array<std::uint64_t, kGapBins> gaps_{};
  double dense_above_;
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
