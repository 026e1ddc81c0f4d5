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

template <class T>
void pack_row(const data::FeatureMatrix& x, const T* rows, std::size_t i, std::vector<double>& out) {
  out.push_back(static_cast<double>(x.global_row(i)));  // exact below 2^53 rows
  out.insert(out.end(), rows + i * x.dims, rows + (i + 1) * x.dims);
}

// The blocked kernel returns the lowest-index direct-formula minimiser of the new candidates,
// which is exactly the candidate a plain loop over them in index order would keep.
template <class T>
void add_candidates_rows(const T* rows, std::size_t n, std::size_t d, const std::vector<double>& candidates,
                         std::size_t first, std::size_t count, double* d2, std::int32_t* nearest) {
  if (count <= first || n == 0) return;
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
  const GlobalRow global_row = [&](std::size_t i) { return x.global_row(i); };

  const FirstCandidate start = first_candidate(comm, x.rows, global_row, options.seed);
  std::vector<double> first(d, 0.0);
  if (comm.rank() == start.owner) std::copy_n(rows + start.local_row * d, d, first.begin());
  comm.broadcast(first, start.owner);
  std::vector<double> candidates = first;

  // d2 and nearest candidate per row, updated incrementally as candidates are added.
  std::vector<double> d2(x.rows, std::numeric_limits<double>::infinity());
  std::vector<std::int32_t> nearest(x.rows, 0);
  add_candidates_rows(rows, x.rows, d, candidates, 0, 1, d2.data(), nearest.data());

  const double l = options.oversampling * static_cast<double>(options.k);
  for (int round = 1; round <= options.rounds; ++round) {
    const double phi = global_potential(comm, d2, scales);
    if (!(phi > 0.0)) break;  // every row sits on a candidate already

    std::vector<double> picked;
    for (std::size_t i : oversample(d2, l, phi, options.seed, round, global_row)) pack_row(x, rows, i, picked);
    const std::vector<double> gathered = comm.allgatherv(picked);
    const std::size_t old_count = candidates.size() / d;
    append_gathered(gathered, d, candidates);
    add_candidates_rows(rows, x.rows, d, candidates, old_count, candidates.size() / d, d2.data(), nearest.data());
  }
  return reduce_candidates(comm, candidates, nearest, d, options);
}

}  // namespace

FirstCandidate first_candidate(const mpi::Communicator& comm, std::size_t rows, const GlobalRow& global_row,
                               std::uint64_t seed) {
  std::uint64_t my_best = std::numeric_limits<std::uint64_t>::max();
  std::size_t my_best_row = 0;
  for (std::size_t i = 0; i < rows; ++i) {
    const std::uint64_t h = rng::bits(seed, 0, global_row(i));
    if (h < my_best) { my_best = h; my_best_row = i; }
  }
  const std::vector<std::uint64_t> bests = comm.allgather(my_best);
  const int owner = static_cast<int>(std::min_element(bests.begin(), bests.end()) - bests.begin());
  return FirstCandidate{owner, my_best_row};
}

void add_candidates(const data::FeatureMatrix& x, const std::vector<double>& candidates, std::size_t first,
                    std::size_t count, std::span<double> d2, std::span<std::int32_t> nearest) {
  data::visit_rows(x, [&](const auto* rows) {
    add_candidates_rows(rows, x.rows, x.dims, candidates, first, count, d2.data(), nearest.data());
  });
}

double global_potential(const mpi::Communicator& comm, std::span<const double> d2, const SumScales& scales) {
  Int128 phi_fixed = 0;
  for (double v : d2) phi_fixed += scales.distance.to_fixed(v);
  mpi::allreduce_sum(comm, std::span(&phi_fixed, 1));
  return scales.distance.to_double(phi_fixed);
}

std::vector<std::size_t> oversample(std::span<const double> d2, double l, double phi, std::uint64_t seed, int round,
                                    const GlobalRow& global_row) {
  std::vector<std::size_t> picked;
  for (std::size_t i = 0; i < d2.size(); ++i) {
    const double p = l * d2[i] / phi;
    if (rng::uniform(seed, static_cast<std::uint64_t>(round), global_row(i)) < p) picked.push_back(i);
  }
  return picked;
}

// allgatherv concatenates in rank order, which is global row order: the set is the same on
// every rank and independent of the split.
void append_gathered(const std::vector<double>& gathered, std::size_t d, std::vector<double>& candidates) {
  for (std::size_t off = 0; off < gathered.size(); off += d + 1)
    candidates.insert(candidates.end(), gathered.begin() + static_cast<std::ptrdiff_t>(off + 1),
                      gathered.begin() + static_cast<std::ptrdiff_t>(off + 1 + d));
}

std::vector<double> reduce_candidates(const mpi::Communicator& comm, const std::vector<double>& candidates,
                                      std::span<const std::int32_t> nearest, std::size_t d,
                                      const InitOptions& options) {
  // Exact integer counts, so the weights do not depend on the split.
  const std::size_t m = candidates.size() / d;
  std::vector<std::int64_t> counts(m, 0);
  for (std::int32_t c : nearest) counts[static_cast<std::size_t>(c)] += 1;
  comm.allreduce_sum(counts);
  std::vector<double> weights(counts.begin(), counts.end());
  return weighted_kmeanspp(candidates, weights, d, options.k, options.seed);
}

std::vector<double> kmeans_parallel_init(const mpi::Communicator& comm, const data::FeatureMatrix& x,
                                         const SumScales& scales, const InitOptions& options) {
  return data::visit_rows(x, [&](const auto* rows) { return init_rows(comm, x, rows, scales, options); });
}

}  // namespace custseg::kmeans
