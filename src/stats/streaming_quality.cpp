// Chunked mirrors of cluster_quality.cpp's quality_of and row_sample.cpp's draw_sample (see
// streaming_quality.hpp). Every per-row value and every exact sum is the one the in-memory
// function computes; only the loops over rows are split into chunks.
#include "custseg/stats/streaming_quality.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "custseg/mpi/collective_guard.hpp"
#include "custseg/mpi/exact_sum.hpp"
#include "custseg/util/rng.hpp"

namespace custseg::stats {

namespace {

constexpr double kNan = std::numeric_limits<double>::quiet_NaN();
constexpr std::uint64_t kSampleStream = 0x5a4d'91e5;  // row_sample.cpp's stream: the same draws

double distance2(const double* a, const double* b, std::size_t d) {
  double s = 0.0;
  for (std::size_t j = 0; j < d; ++j) {
    const double diff = a[j] - b[j];
    s += diff * diff;
  }
  return s;
}

// work(i, row as doubles, local row index) for every row of every chunk (collective reads).
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

}  // namespace

ClusterQuality cluster_quality(const mpi::Communicator& comm, data::RowSource& source,
                               std::span<const std::int32_t> labels, std::size_t k) {
  ClusterQuality q;
  const std::size_t d = source.dims();
  std::vector<double> max_abs(d, 0.0);
  for_each_row(comm, source, [&](const double* row, std::size_t) {
    for (std::size_t j = 0; j < d; ++j) max_abs[j] = std::max(max_abs[j], std::abs(row[j]));
  });
  comm.allreduce_max(max_abs);
  std::vector<FixedPoint> scale(d);
  for (std::size_t j = 0; j < d; ++j) scale[j] = FixedPoint::for_max_abs(max_abs[j]);
  std::vector<std::int64_t> counts(k, 0);
  std::vector<Int128> sums(k * d, 0);
  for_each_row(comm, source, [&](const double* row, std::size_t i) {
    const auto c = static_cast<std::size_t>(labels[i]);
    ++counts[c];
    for (std::size_t j = 0; j < d; ++j) sums[c * d + j] += scale[j].to_fixed(row[j]);
  });
  comm.allreduce_sum(counts);  // all ranks must reach these, even with zero rows
  mpi::allreduce_sum(comm, sums);
  std::int64_t n = 0;
  std::vector<Int128> total(d, 0);
  std::vector<double> means(k * d, 0.0), grand(d, 0.0);
  for (std::size_t c = 0; c < k; ++c) {
    n += counts[c];
    for (std::size_t j = 0; j < d; ++j) {
      total[j] += sums[c * d + j];
      if (counts[c]) means[c * d + j] = scale[j].to_double(sums[c * d + j]) / static_cast<double>(counts[c]);
    }
  }
  for (std::size_t j = 0; j < d; ++j) grand[j] = n ? scale[j].to_double(total[j]) / static_cast<double>(n) : 0.0;

  // Distances to the own cluster mean: once for their maximum (the fixed-point scales), once
  // more for the exact sums, instead of holding one per row.
  double max_d2 = 0.0;
  for_each_row(comm, source, [&](const double* row, std::size_t i) {
    max_d2 = std::max(max_d2, distance2(row, means.data() + static_cast<std::size_t>(labels[i]) * d, d));
  });
  max_d2 = comm.max(max_d2);
  const FixedPoint sq_scale = FixedPoint::for_max_abs(max_d2);
  const FixedPoint dist_scale = FixedPoint::for_max_abs(std::sqrt(max_d2));
  std::vector<Int128> spread(k + 1, 0);
  for_each_row(comm, source, [&](const double* row, std::size_t i) {
    const double d2 = distance2(row, means.data() + static_cast<std::size_t>(labels[i]) * d, d);
    spread[static_cast<std::size_t>(labels[i])] += dist_scale.to_fixed(std::sqrt(d2));
    spread[k] += sq_scale.to_fixed(d2);
  });
  mpi::allreduce_sum(comm, spread);
  q.within_ss = sq_scale.to_double(spread[k]);

  std::vector<std::size_t> live;
  for (std::size_t c = 0; c < k; ++c)
    if (counts[c] > 0) live.push_back(c);
  const auto kk = live.size();
  q.between_ss = 0.0;
  for (std::size_t c : live) q.between_ss += static_cast<double>(counts[c]) * distance2(means.data() + c * d, grand.data(), d);
  if (kk < 2 || static_cast<std::size_t>(n) <= kk) {
    q.calinski_harabasz = kNan;
  } else {
    q.calinski_harabasz = q.within_ss == 0.0 ? 1.0
                                             : q.between_ss * static_cast<double>(static_cast<std::size_t>(n) - kk) /
                                                   (q.within_ss * static_cast<double>(kk - 1));
  }
  if (kk < 2) {
    q.davies_bouldin = kNan;
  } else {
    double total_db = 0.0;
    for (std::size_t a : live) {
      const double sa = dist_scale.to_double(spread[a]) / static_cast<double>(counts[a]);
      double worst = 0.0;
      for (std::size_t b : live) {
        if (a == b) continue;
        const double sb = dist_scale.to_double(spread[b]) / static_cast<double>(counts[b]);
        const double m = std::sqrt(distance2(means.data() + a * d, means.data() + b * d, d));
        worst = std::max(worst, m > 0 ? (sa + sb) / m : std::numeric_limits<double>::infinity());
      }
      total_db += worst;
    }
    q.davies_bouldin = total_db / static_cast<double>(kk);
  }
  q.silhouette = kNan;
  return q;
}

RowSample draw_sample(const mpi::Communicator& comm, data::RowSource& source, std::uint64_t target, std::uint64_t seed) {
  RowSample s;
  s.dims = source.dims();
  const std::uint64_t rows = comm.sum(static_cast<std::uint64_t>(source.rows()));
  const double p = rows == 0 ? 0.0 : static_cast<double>(target) / static_cast<double>(rows);
  for (std::size_t i = 0; i < source.rows(); ++i) {
    if (p < 1.0 && rng::uniform(seed, kSampleStream, source.global_row(i)) >= p) continue;
    s.local_rows.push_back(i);
  }
  data::FeatureMatrix got;
  mpi::agree(comm, [&] { got = source.rows_at(comm, s.local_rows); });
  std::vector<double> mine;
  data::visit_rows(got, [&](const auto* values) {
    for (std::size_t t = 0; t < got.rows * got.dims; ++t) mine.push_back(static_cast<double>(values[t]));
  });
  s.values = comm.allgatherv(mine);  // all ranks must reach this, even with nothing sampled
  return s;
}

}  // namespace custseg::stats
