#include "custseg/stats/cluster_quality.hpp"

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

#include "custseg/data/row_source.hpp"
#include "custseg/mpi/collective_guard.hpp"
#include "custseg/mpi/exact_sum.hpp"

namespace custseg::stats {

namespace {
constexpr double kNan = std::numeric_limits<double>::quiet_NaN();

using detail::distance2;

// work(row as doubles, local row index) for every row of every chunk. Reading a chunk is
// collective for streaming sources, and a failed read must fail every rank.
template <class F>
void for_each_row(const mpi::Communicator& comm, data::RowSource& source, F&& work) {
  std::vector<double> point(source.dims());
  for (std::size_t c = 0; c < source.chunk_count(); ++c) {
    const data::FeatureMatrix* x = nullptr;
    mpi::agree(comm, [&] { x = &source.chunk(c); });
    const std::size_t begin = source.chunk_begin(c), d = x->dims;
    data::visit_rows(*x, [&](const auto* rows) {
      for (std::size_t i = 0; i < x->rows; ++i) {
        for (std::size_t j = 0; j < d; ++j) point[j] = static_cast<double>(rows[i * d + j]);
        work(point.data(), begin + i);
      }
    });
  }
}

// Exact cluster means and their counts, and the grand mean, in the k-means space.
struct ClusterMeans {
  std::vector<std::int64_t> counts;  // [k]
  std::int64_t n = 0;                // rows over all clusters
  std::vector<double> means, grand;  // [k * d], [d]
  std::vector<std::size_t> live;     // the non-empty clusters
};

// Collective: two passes, one for the fixed-point scales (the largest magnitudes), one for the
// exact sums.
ClusterMeans cluster_means(const mpi::Communicator& comm, data::RowSource& source, std::span<const std::int32_t> labels,
                           std::size_t k) {
  const std::size_t d = source.dims();
  std::vector<double> max_abs(d, 0.0);
  for_each_row(comm, source, [&](const double* row, std::size_t) {
    for (std::size_t j = 0; j < d; ++j) max_abs[j] = std::max(max_abs[j], std::abs(row[j]));
  });
  comm.allreduce_max(max_abs);
  std::vector<FixedPoint> scale(d);
  for (std::size_t j = 0; j < d; ++j) scale[j] = FixedPoint::for_max_abs(max_abs[j]);
  ClusterMeans m;
  m.counts.assign(k, 0);
  std::vector<Int128> sums(k * d, 0);
  for_each_row(comm, source, [&](const double* row, std::size_t i) {
    const auto c = static_cast<std::size_t>(labels[i]);
    ++m.counts[c];
    for (std::size_t j = 0; j < d; ++j) sums[c * d + j] += scale[j].to_fixed(row[j]);
  });
  comm.allreduce_sum(m.counts);  // all ranks must reach these, even with zero rows
  mpi::allreduce_sum(comm, sums);
  std::vector<Int128> total(d, 0);
  m.means.assign(k * d, 0.0);
  m.grand.assign(d, 0.0);
  for (std::size_t c = 0; c < k; ++c) {
    m.n += m.counts[c];
    if (m.counts[c] > 0) m.live.push_back(c);
    for (std::size_t j = 0; j < d; ++j) {
      total[j] += sums[c * d + j];
      if (m.counts[c]) m.means[c * d + j] = scale[j].to_double(sums[c * d + j]) / static_cast<double>(m.counts[c]);
    }
  }
  for (std::size_t j = 0; j < d; ++j) m.grand[j] = m.n ? scale[j].to_double(total[j]) / static_cast<double>(m.n) : 0.0;
  return m;
}

// Exact sums of the distances of rows to their own cluster mean: per cluster (for the
// Davies-Bouldin spreads) and of their squares over all rows (W).
struct Spread {
  FixedPoint dist_scale;
  std::vector<Int128> distance;  // [k]: sum of distances, at dist_scale
  double within_ss = 0.0;
};

// Collective: the distances once for their maximum (the fixed-point scales), once more for the
// exact sums, instead of holding one per row (the rows may not fit in memory).
Spread cluster_spread(const mpi::Communicator& comm, data::RowSource& source, std::span<const std::int32_t> labels,
                      std::size_t k, const std::vector<double>& means) {
  const std::size_t d = source.dims();
  double max_d2 = 0.0;
  for_each_row(comm, source, [&](const double* row, std::size_t i) {
    max_d2 = std::max(max_d2, distance2(row, means.data() + static_cast<std::size_t>(labels[i]) * d, d));
  });
  max_d2 = comm.max(max_d2);
  const FixedPoint sq_scale = FixedPoint::for_max_abs(max_d2);
  Spread s;
  s.dist_scale = FixedPoint::for_max_abs(std::sqrt(max_d2));
  std::vector<Int128> spread(k + 1, 0);
  for_each_row(comm, source, [&](const double* row, std::size_t i) {
    const double d2 = distance2(row, means.data() + static_cast<std::size_t>(labels[i]) * d, d);
    spread[static_cast<std::size_t>(labels[i])] += s.dist_scale.to_fixed(std::sqrt(d2));
    spread[k] += sq_scale.to_fixed(d2);
  });
  mpi::allreduce_sum(comm, spread);
  s.within_ss = sq_scale.to_double(spread[k]);
  spread.pop_back();
  s.distance = std::move(spread);
  return s;
}

double between_ss(const ClusterMeans& m, std::size_t d) {
  double b = 0.0;
  for (std::size_t c : m.live) b += static_cast<double>(m.counts[c]) * distance2(m.means.data() + c * d, m.grand.data(), d);
  return b;
}

double calinski_harabasz(const ClusterMeans& m, double within, double between) {
  const auto kk = m.live.size();
  if (kk < 2 || static_cast<std::size_t>(m.n) <= kk) return kNan;
  return within == 0.0 ? 1.0
                       : between * static_cast<double>(static_cast<std::size_t>(m.n) - kk) /
                             (within * static_cast<double>(kk - 1));
}

double davies_bouldin(const ClusterMeans& m, const Spread& s, std::size_t d) {
  const auto kk = m.live.size();
  if (kk < 2) return kNan;
  double total_db = 0.0;
  for (std::size_t a : m.live) {
    const double sa = s.dist_scale.to_double(s.distance[a]) / static_cast<double>(m.counts[a]);
    double worst = 0.0;
    for (std::size_t b : m.live) {
      if (a == b) continue;
      const double sb = s.dist_scale.to_double(s.distance[b]) / static_cast<double>(m.counts[b]);
      const double dist = std::sqrt(distance2(m.means.data() + a * d, m.means.data() + b * d, d));
      worst = std::max(worst, dist > 0 ? (sa + sb) / dist : std::numeric_limits<double>::infinity());
    }
    total_db += worst;
  }
  return total_db / static_cast<double>(kk);
}

}  // namespace

ClusterQuality cluster_quality(const mpi::Communicator& comm, data::RowSource& source,
                               std::span<const std::int32_t> labels, std::size_t k) {
  const std::size_t d = source.dims();
  const ClusterMeans means = cluster_means(comm, source, labels, k);
  const Spread spread = cluster_spread(comm, source, labels, k, means.means);
  ClusterQuality q;
  q.within_ss = spread.within_ss;
  q.between_ss = between_ss(means, d);
  q.calinski_harabasz = calinski_harabasz(means, q.within_ss, q.between_ss);
  q.davies_bouldin = davies_bouldin(means, spread, d);
  q.silhouette = kNan;
  return q;
}

ClusterQuality cluster_quality(const mpi::Communicator& comm, const data::FeatureMatrix& x,
                               std::span<const std::int32_t> labels, std::size_t k) {
  // The in-memory matrix is a one-chunk source: one implementation, the same bits either way.
  data::InMemoryRows source(x);
  return cluster_quality(comm, source, labels, k);
}

}  // namespace custseg::stats

