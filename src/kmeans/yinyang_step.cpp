// Yinyang k-means (Ding, Zhao, Shen, Musuvathi, Mytkowicz, ICML 2015), exact in the sense of
// bounds.hpp: labels equal nearest_centroid's at every iteration.
//
// Centroids are split into t groups once (group_centroids). Per row: an upper bound on the
// distance to its centroid and, per group, a lower bound on the distance to the group's members
// other than the row's own centroid. The global filter (U against the smallest group bound) skips
// most rows; for the rest, the group filter skips every group whose bound proves it farther, and
// the direct formula is evaluated on the members of the remaining groups. Skipped centroids are
// strictly farther than the current centroid (bounds.hpp), so the minimum over the evaluated
// ones, ties to the lowest index, is nearest_centroid's label.
//
// Memory: t + 1 floats per row. t = min(k / 10, d / 4 - 1) (at least 1) keeps the bounds within
// a third of the float32 row, so a rank's peak stays under 1.5x its share of the features.
#include <algorithm>
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

std::vector<std::uint32_t> group_centroids(const std::vector<double>& centroids, std::size_t k, std::size_t d,
                                           std::size_t groups) {
  groups = std::clamp<std::size_t>(groups, 1, std::max<std::size_t>(1, k));
  std::vector<double> centres;
  for (std::size_t g = 0; g < groups; ++g) {
    const std::size_t c = g * k / groups;
    centres.insert(centres.end(), centroids.begin() + static_cast<std::ptrdiff_t>(c * d),
                   centroids.begin() + static_cast<std::ptrdiff_t>((c + 1) * d));
  }
  std::vector<std::uint32_t> group(k, 0);
  for (int it = 0; it < 5; ++it) {
    for (std::size_t c = 0; c < k; ++c)
      group[c] = static_cast<std::uint32_t>(nearest_centroid(centroids.data() + c * d, centres.data(), groups, d).label);
    std::vector<double> sum(groups * d, 0.0);
    std::vector<std::size_t> count(groups, 0);
    for (std::size_t c = 0; c < k; ++c) {
      ++count[group[c]];
      for (std::size_t j = 0; j < d; ++j) sum[group[c] * d + j] += centroids[c * d + j];
    }
    for (std::size_t g = 0; g < groups; ++g)
      if (count[g] > 0)
        for (std::size_t j = 0; j < d; ++j) centres[g * d + j] = sum[g * d + j] / static_cast<double>(count[g]);
  }
  return group;
}

namespace {

constexpr std::size_t kTaskRows = 4096;

template <class T>
class YinyangStep final : public LocalStep {
 public:
  YinyangStep(const T* rows, std::size_t n, std::size_t d, std::size_t k, const SumScales& scales)
      : rows_(rows), n_(n), d_(d), k_(k), scales_(scales),
        t_(std::max<std::size_t>(1, std::min(k / 10, d / 4 > 1 ? d / 4 - 1 : 1))), upper_(n), lower_(n * t_),
        sums_(k, d) {
    double m = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
      double s = 0.0;
      for (std::size_t j = 0; j < d; ++j) s += static_cast<double>(rows[i * d + j]) * static_cast<double>(rows[i * d + j]);
      m = std::max(m, s);
    }
    xmax_ = std::sqrt(m) * (1.0 + bounds::kSlack);
  }

  ClusterSums run(const std::vector<double>& centroids, std::span<std::int32_t> labels) override {
    const double e = direct_error_bound(xmax_, bounds::max_norm(centroids, k_, d_), d_);
    if (previous_.empty()) {
      group_ = group_centroids(centroids, k_, d_, t_);
      members_.assign(t_, {});
      for (std::size_t c = 0; c < k_; ++c) members_[group_[c]].push_back(static_cast<std::uint32_t>(c));
    }
    // Dense when the last sparse pass searched too many rows (see HamerlyStep; a searched row
    // costs more here, the direct formula on the surviving groups).
    // After a dense pass the next one always tries the bounds again.
    const bool dense =
        previous_.empty() || (!last_dense_ && searched_ > static_cast<std::size_t>(kDenseAbove * static_cast<double>(n_)));
    last_dense_ = dense;
    if (dense) {
      first_pass(CentroidPanel<T>(centroids, k_, d_), labels);
    } else {
      sums_.merge(next_pass(centroids, e, labels));
    }
    previous_ = centroids;
    ClusterSums out = sums_;
    out.inertia = 0;
    return out;
  }
  [[nodiscard]] std::size_t rows_searched() const override { return searched_; }

 private:
  static constexpr double kDenseAbove = 0.2;

  void first_pass(const CentroidPanel<T>& panel, std::span<std::int32_t> labels) {
    searched_ = n_;
    sums_ = tbb::parallel_reduce(
        tbb::blocked_range<std::size_t>(0, n_, kTaskRows), ClusterSums(k_, d_),
        [&](const tbb::blocked_range<std::size_t>& range, ClusterSums acc) {
          TileWorkspace<T> ws;
          float lo[kTileRows];
          ChunkAccumulator<T> chunk(scales_, acc);
          for (std::size_t b = range.begin(); b < range.end(); b += kTileRows) {
            const std::size_t m = std::min(kTileRows, range.end() - b);
            assign_tile(rows_ + b * d_, m, panel, ws, labels.data() + b, nullptr, nullptr, upper_.data() + b, lo);
            for (std::size_t i = 0; i < m; ++i) {
              chunk.add_row(rows_ + (b + i) * d_, static_cast<std::size_t>(labels[b + i]));
              // The runner-up bound holds for every other centroid, so for every group.
              std::fill_n(lower_.data() + (b + i) * t_, t_, lo[i]);
            }
          }
          chunk.fold();
          return acc;
        },
        [](ClusterSums a, const ClusterSums& b) {
          a.merge(b);
          return a;
        });
  }

  ClusterSums next_pass(const std::vector<double>& centroids, double e, std::span<std::int32_t> labels) {
    const std::vector<double> shift = bounds::shifts(previous_, centroids, k_, d_);
    std::vector<double> group_shift(t_, 0.0);
    for (std::size_t c = 0; c < k_; ++c) group_shift[group_[c]] = std::max(group_shift[group_[c]], shift[c]);

    ClusterSums delta = tbb::parallel_reduce(
        tbb::blocked_range<std::size_t>(0, n_, kTaskRows), ClusterSums(k_, d_),
        [&](const tbb::blocked_range<std::size_t>& range, ClusterSums acc) {
          ChunkAccumulator<T> chunk(scales_, acc);
          std::vector<double> l(t_), dist(k_);
          std::vector<char> examined(t_);
          std::size_t local_searched = 0;
          for (std::size_t i = range.begin(); i != range.end(); ++i) {
            const auto a = static_cast<std::size_t>(labels[i]);
            float* lower = lower_.data() + i * t_;
            double u = static_cast<double>(upper_[i]) + shift[a];
            double global_lower = std::numeric_limits<double>::infinity();
            for (std::size_t g = 0; g < t_; ++g) {
              l[g] = static_cast<double>(lower[g]) - group_shift[g];  // Sterbenz-exact or relative 2^-53
              global_lower = std::min(global_lower, l[g]);
            }
            auto store_lower = [&] {
              for (std::size_t g = 0; g < t_; ++g) lower[g] = bounds::round_down(l[g] * (1.0 - bounds::kSlack));
            };
            if (bounds::prunable(u, global_lower, e)) {
              upper_[i] = bounds::round_up(u * (1.0 + bounds::kSlack));
              store_lower();
              continue;
            }
            const T* row = rows_ + i * d_;
            const double da = squared_distance(row, centroids.data() + a * d_, d_);
            u = static_cast<double>(bounds::upper_from_direct(da, e));
            if (bounds::prunable(u, global_lower, e)) {
              upper_[i] = static_cast<float>(u);
              store_lower();
              continue;
            }
            ++local_searched;
            // Group filter, then the direct formula on every member of the surviving groups.
            std::size_t best = a;
            double best_d2 = da;
            for (std::size_t g = 0; g < t_; ++g) {
              examined[g] = !bounds::prunable(u, l[g], e);
              if (!examined[g]) continue;
              for (std::uint32_t c : members_[g]) {
                const double dc = c == a ? da : squared_distance(row, centroids.data() + std::size_t{c} * d_, d_);
                dist[c] = dc;
                if (dc < best_d2 || (dc == best_d2 && c < best)) { best_d2 = dc; best = c; }
              }
            }
            upper_[i] = bounds::upper_from_direct(best_d2, e);
            for (std::size_t g = 0; g < t_; ++g) {
              if (examined[g]) {
                double m = std::numeric_limits<double>::infinity();
                for (std::uint32_t c : members_[g])
                  if (c != best) m = std::min(m, dist[c]);
                lower[g] = std::isinf(m) ? std::numeric_limits<float>::infinity() : bounds::lower_from_direct(m, e);
              } else {
                lower[g] = bounds::round_down(l[g] * (1.0 - bounds::kSlack));
                // The old centroid becomes one of the "others" of its group.
                if (best != a && group_[a] == g) lower[g] = std::min(lower[g], bounds::lower_from_direct(da, e));
              }
            }
            if (best != a) {
              chunk.add_row(row, a, -1);
              chunk.add_row(row, best, +1);
              labels[i] = static_cast<std::int32_t>(best);
            }
          }
          chunk.fold();
          acc.inertia += static_cast<Int128>(local_searched);  // carried out of the task, reset below
          return acc;
        },
        [](ClusterSums a, const ClusterSums& b) {
          a.merge(b);
          return a;
        });
    searched_ = static_cast<std::size_t>(delta.inertia);
    delta.inertia = 0;
    return delta;
  }

  const T* rows_;
  std::size_t n_, d_, k_;
  SumScales scales_;
  std::size_t t_;
  std::vector<float> upper_, lower_;  // lower: n x t
  ClusterSums sums_;
  std::vector<double> previous_;
  std::vector<std::uint32_t> group_;
  std::vector<std::vector<std::uint32_t>> members_;
  double xmax_ = 0.0;
  std::size_t searched_ = 0;
  bool last_dense_ = false;
};

}  // namespace

std::unique_ptr<LocalStep> make_yinyang_step(const data::FeatureMatrix& x, std::size_t k, const SumScales& scales) {
  return data::visit_rows(x, [&](const auto* rows) -> std::unique_ptr<LocalStep> {
    using T = std::remove_cv_t<std::remove_pointer_t<decltype(rows)>>;
    return std::make_unique<YinyangStep<T>>(rows, x.rows, x.dims, k, scales);
  });
}

}  // namespace custseg::kmeans
