#include <algorithm>
#include <limits>

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include "custseg/kmeans/assign.hpp"
#include "custseg/kmeans/blocked_assign.hpp"
#include "custseg/kmeans/init.hpp"
#include "custseg/util/rng.hpp"

namespace custseg::kmeans {

namespace {

// Appends the gathered rows (global index, then d features, per row) to the candidate set.
// allgatherv concatenates in rank order, which is global row order: the set is the same on
// every rank and independent of the split.
void append_gathered(const std::vector<double>& gathered, std::size_t d, std::vector<double>& candidates) {
  for (std::size_t off = 0; off < gathered.size(); off += d + 1)
    candidates.insert(candidates.end(), gathered.begin() + static_cast<std::ptrdiff_t>(off + 1),
                      gathered.begin() + static_cast<std::ptrdiff_t>(off + 1 + d));
}

template <class T>
void pack_row(const data::FeatureMatrix& x, const T* rows, std::size_t i, std::vector<double>& out) {
  out.push_back(static_cast<double>(x.global_row(i)));  // exact below 2^53 rows
  out.insert(out.end(), rows + i * x.dims, rows + (i + 1) * x.dims);
}

// Nearest of the candidates [first, count) for every row, merged into (d2, nearest) with the
// rule of a plain loop over candidates in index order: replace only when strictly closer. The
// blocked kernel returns the lowest-index direct-formula minimiser of the new candidates, which
// is exactly the candidate that loop would keep.
template <class T>
void add_candidates(const T* rows, std::size_t n, std::size_t d, const std::vector<double>& candidates,
                    std::size_t first, std::size_t count, std::vector<double>& d2, std::vector<std::int32_t>& nearest) {
  if (count <= first) return;
  const std::vector<double> fresh(candidates.begin() + static_cast<std::ptrdiff_t>(first * d),
                                  candidates.begin() + static_cast<std::ptrdiff_t>(count * d));
  const CentroidPanel<T> panel(fresh, count - first, d);
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, n, 8 * kTileRows), [&](const tbb::blocked_range<std::size_t>& r) {
    TileWorkspace<T> ws;
    std::int32_t label[kTileRows];
    double dist[kTileRows];
    for (std::size_t b = r.begin(); b < r.end(); b += kTileRows) {
      const std::size_t m = std::min(kTileRows, r.end() - b);
      assign_tile(rows + b * d, m, panel, ws, label, dist, nullptr);
      for (std::size_t i = 0; i < m; ++i)
        if (dist[i] < d2[b + i]) {
          d2[b + i] = dist[i];
          nearest[b + i] = static_cast<std::int32_t>(first) + label[i];
        }
    }
  });
}

template <class T>
std::vector<double> init_rows(const mpi::Communicator& comm, const data::FeatureMatrix& x, const T* rows,
                              const SumScales& scales, const InitOptions& options) {
  const std::size_t d = x.dims;
  const std::size_t k = options.k;

  // First candidate: the row with the smallest keyed hash, found without gathering rows.
  std::uint64_t my_best = std::numeric_limits<std::uint64_t>::max();
  std::size_t my_best_row = 0;
  for (std::size_t i = 0; i < x.rows; ++i) {
    const std::uint64_t h = rng::bits(options.seed, 0, x.global_row(i));
    if (h < my_best) { my_best = h; my_best_row = i; }
  }
  const std::vector<std::uint64_t> bests = comm.allgather(my_best);
  const int owner = static_cast<int>(std::min_element(bests.begin(), bests.end()) - bests.begin());
  std::vector<double> first(d, 0.0);
  if (comm.rank() == owner) std::copy_n(rows + my_best_row * d, d, first.begin());
  comm.broadcast(first, owner);
  std::vector<double> candidates = first;

  // d2 and nearest candidate per row, updated incrementally as candidates are added.
  std::vector<double> d2(x.rows, std::numeric_limits<double>::infinity());
  std::vector<std::int32_t> nearest(x.rows, 0);
  add_candidates(rows, x.rows, d, candidates, 0, 1, d2, nearest);

  const double l = options.oversampling * static_cast<double>(k);
  for (int round = 1; round <= options.rounds; ++round) {
    Int128 phi_fixed = 0;
    for (double v : d2) phi_fixed += scales.distance.to_fixed(v);
    mpi::allreduce_sum(comm, std::span(&phi_fixed, 1));
    const double phi = scales.distance.to_double(phi_fixed);
    if (!(phi > 0.0)) break;  // every row sits on a candidate already

    std::vector<double> picked;
    for (std::size_t i = 0; i < x.rows; ++i) {
      const double p = l * d2[i] / phi;
      if (rng::uniform(options.seed, static_cast<std::uint64_t>(round), x.global_row(i)) < p) pack_row(x, rows, i, picked);
    }
    const std::vector<double> gathered = comm.allgatherv(picked);
    const std::size_t old_count = candidates.size() / d;
    append_gathered(gathered, d, candidates);
    add_candidates(rows, x.rows, d, candidates, old_count, candidates.size() / d, d2, nearest);
  }

  // Weight of a candidate: how many rows have it as their nearest (exact integer counts).
  const std::size_t m = candidates.size() / d;
  std::vector<std::int64_t> counts(m, 0);
  for (std::size_t i = 0; i < x.rows; ++i) counts[static_cast<std::size_t>(nearest[i])] += 1;
  comm.allreduce_sum(counts);
  std::vector<double> weights(counts.begin(), counts.end());
  return weighted_kmeanspp(candidates, weights, d, k, options.seed);
}

}  // namespace

std::vector<double> kmeans_parallel_init(const mpi::Communicator& comm, const data::FeatureMatrix& x,
                                         const SumScales& scales, const InitOptions& options) {
  return data::visit_rows(x, [&](const auto* rows) { return init_rows(comm, x, rows, scales, options); });
}

}  // namespace custseg::kmeans
