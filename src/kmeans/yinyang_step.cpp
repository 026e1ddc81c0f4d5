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
// Memory: t + 1 floats per row (group_count).
#include <algorithm>
#include <cmath>
#include <limits>

#include "custseg/kmeans/assign.hpp"
#include "custseg/kmeans/bound_steps.hpp"
#include "bound_step_base.hpp"

namespace custseg::kmeans {

// Lloyd steps on the centroids that form the groups: a few suffice (the grouping only has to
// keep near centroids together; any grouping gives exact results).
constexpr int kGroupingSteps = 5;

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
  for (int it = 0; it < kGroupingSteps; ++it) {
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

// Groups: t = min(k / kCentroidsPerGroup, d / kDimsPerBound - 1), at least 1, keeps the t + 1
// float bounds per row within a third of the float32 row (peak under 1.5x the features).
constexpr std::size_t kCentroidsPerGroup = 10;
constexpr std::size_t kDimsPerBound = 4;

std::size_t group_count(std::size_t k, std::size_t d) {
  const std::size_t by_dims = d / kDimsPerBound > 1 ? d / kDimsPerBound - 1 : 1;
  return std::max<std::size_t>(1, std::min(k / kCentroidsPerGroup, by_dims));
}

template <class T>
class YinyangStep final : public detail::BoundStep<T> {
  using Base = detail::BoundStep<T>;
  using Base::d_, Base::k_, Base::n_, Base::previous_, Base::rows_, Base::scales_, Base::upper_;

 public:
  YinyangStep(const T* rows, std::size_t n, std::size_t d, std::size_t k, const SumScales& scales, double dense_above)
      : Base(rows, n, d, k, scales, dense_above), t_(group_count(k, d)), lower_(n * t_) {}

 private:
  // Dense when the last sparse pass searched too many rows (a searched row costs more here than
  // in Hamerly: the direct formula on the surviving groups). After a dense pass the next one
  // always tries the bounds again.
  bool dense_next(const std::vector<double>&) const override {
    return !last_full_ && static_cast<double>(searched_) > this->dense_above_ * static_cast<double>(n_);
  }
  void after_pass(bool was_full, std::size_t searched) override {
    last_full_ = was_full;
    searched_ = searched;
  }

  ClusterSums full_pass(const CentroidPanel<T>& panel, std::span<std::int32_t> labels) override {
    if (previous_.empty()) form_groups(panel);
    // The runner-up bound holds for every other centroid, so for every group.
    return this->full_blocked_pass(panel, labels, [&](std::size_t first, std::size_t m, const float* runner_up) {
      for (std::size_t i = 0; i < m; ++i) std::fill_n(lower_.data() + (first + i) * t_, t_, runner_up[i]);
    });
  }

  void form_groups(const CentroidPanel<T>& panel) {
    const std::vector<double> centroids(panel.exact, panel.exact + k_ * d_);
    group_ = group_centroids(centroids, k_, d_, t_);
    members_.assign(t_, {});
    for (std::size_t c = 0; c < k_; ++c) members_[group_[c]].push_back(static_cast<std::uint32_t>(c));
  }

  detail::SparsePass sparse_pass(const std::vector<double>& centroids, double e,
                                 std::span<std::int32_t> labels) override {
    const std::vector<double> shift = bounds::shifts(previous_, centroids, k_, d_);
    std::vector<double> group_shift(t_, 0.0);
    for (std::size_t c = 0; c < k_; ++c) group_shift[group_[c]] = std::max(group_shift[group_[c]], shift[c]);
    return tbb::parallel_reduce(
        tbb::blocked_range<std::size_t>(0, n_, kBoundTaskRows), detail::SparsePass{ClusterSums(k_, d_), 0},
        [&](const tbb::blocked_range<std::size_t>& range, detail::SparsePass acc) {
          ChunkAccumulator<T> chunk(scales_, acc.delta);
          RowScratch scratch{std::vector<double>(t_), std::vector<double>(k_), std::vector<char>(t_)};
          for (std::size_t i = range.begin(); i != range.end(); ++i)
            if (update_row(i, centroids, shift, group_shift, e, labels, chunk, scratch)) ++acc.searched;
          chunk.fold();
          return acc;
        },
        detail::MergeSums{});
  }

  struct RowScratch {
    std::vector<double> l;       // per group: the shifted lower bound
    std::vector<double> dist;    // per centroid: the direct distance, where computed
    std::vector<char> examined;  // per group: not pruned by the group filter
  };

  // The global filter, then the group filter and the search of the surviving groups. Returns
  // whether the row was searched.
  bool update_row(std::size_t i, const std::vector<double>& centroids, const std::vector<double>& shift,
                  const std::vector<double>& group_shift, double e, std::span<std::int32_t> labels,
                  ChunkAccumulator<T>& chunk, RowScratch& s) {
    const auto a = static_cast<std::size_t>(labels[i]);
    float* lower = lower_.data() + i * t_;
    double u = static_cast<double>(upper_[i]) + shift[a];
    double global_lower = std::numeric_limits<double>::infinity();
    for (std::size_t g = 0; g < t_; ++g) {
      s.l[g] = static_cast<double>(lower[g]) - group_shift[g];  // Sterbenz-exact or relative 2^-53
      global_lower = std::min(global_lower, s.l[g]);
    }
    auto store_lower = [&] {
      for (std::size_t g = 0; g < t_; ++g) lower[g] = bounds::round_down(s.l[g] * (1.0 - bounds::kSlack));
    };
    if (bounds::prunable(u, global_lower, e)) {
      upper_[i] = bounds::round_up(u * (1.0 + bounds::kSlack));
      store_lower();
      return false;
    }
    const T* row = this->row(i);
    const double da = squared_distance(row, centroids.data() + a * d_, d_);
    u = static_cast<double>(bounds::upper_from_direct(da, e));
    if (bounds::prunable(u, global_lower, e)) {
      upper_[i] = static_cast<float>(u);
      store_lower();
      return false;
    }
    const std::size_t best = search_groups(i, a, da, u, centroids, e, s);
    update_lower(lower, a, best, da, e, s);
    if (best != a) {
      chunk.add_row(row, a, -1);
      chunk.add_row(row, best, +1);
      labels[i] = static_cast<std::int32_t>(best);
    }
    return true;
  }

  // The direct formula on every member of the groups the group filter keeps; ties go to the
  // lowest index (nearest_centroid's rule). Sets the row's upper bound.
  std::size_t search_groups(std::size_t i, std::size_t a, double da, double u, const std::vector<double>& centroids,
                            double e, RowScratch& s) {
    const T* row = this->row(i);
    std::size_t best = a;
    double best_d2 = da;
    for (std::size_t g = 0; g < t_; ++g) {
      s.examined[g] = !bounds::prunable(u, s.l[g], e);
      if (!s.examined[g]) continue;
      for (std::uint32_t c : members_[g]) {
        const double dc = c == a ? da : squared_distance(row, centroids.data() + std::size_t{c} * d_, d_);
        s.dist[c] = dc;
        if (dc < best_d2 || (dc == best_d2 && c < best)) { best_d2 = dc; best = c; }
      }
    }
    upper_[i] = bounds::upper_from_direct(best_d2, e);
    return best;
  }

  void update_lower(float* lower, std::size_t a, std::size_t best, double da, double e, const RowScratch& s) const {
    for (std::size_t g = 0; g < t_; ++g) {
      if (s.examined[g]) {
        double m = std::numeric_limits<double>::infinity();
        for (std::uint32_t c : members_[g])
          if (c != best) m = std::min(m, s.dist[c]);
        lower[g] = std::isinf(m) ? std::numeric_limits<float>::infinity() : bounds::lower_from_direct(m, e);
      } else {
        lower[g] = bounds::round_down(s.l[g] * (1.0 - bounds::kSlack));
        // The old centroid becomes one of the "others" of its group.
        if (best != a && group_[a] == g) lower[g] = std::min(lower[g], bounds::lower_from_direct(da, e));
      }
    }
  }

  std::size_t t_;
  std::vector<float> lower_;  // n x t: per row and group, <= the distance to the group's other members
  std::vector<std::uint32_t> group_;
  std::vector<std::vector<std::uint32_t>> members_;
  std::size_t searched_ = 0;
  bool last_full_ = false;
};

}  // namespace

std::unique_ptr<LocalStep> make_yinyang_step(const data::FeatureMatrix& x, std::size_t k, const SumScales& scales,
                                             double dense_above) {
  return data::visit_rows(x, [&](const auto* rows) -> std::unique_ptr<LocalStep> {
    using T = std::remove_cv_t<std::remove_pointer_t<decltype(rows)>>;
    return std::make_unique<YinyangStep<T>>(rows, x.rows, x.dims, k, scales, dense_above);
  });
}

}  // namespace custseg::kmeans
