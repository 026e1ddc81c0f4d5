// k-means over a RowSource, chunk by chunk (streaming_fit.hpp). Mirrors driver.cpp and
// kmeans_parallel_init.cpp decision for decision; tests/integration/test_streaming.cpp checks
// that the results stay bitwise identical to the in-memory fit.
#include "custseg/kmeans/streaming_fit.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <numeric>

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include "custseg/kmeans/blocked_assign.hpp"
#include "custseg/kmeans/init.hpp"
#include "custseg/kmeans/lloyd_step.hpp"
#include "custseg/mpi/collective_guard.hpp"
#include "custseg/mpi/exact_sum.hpp"
#include "custseg/util/phase_timer.hpp"
#include "custseg/util/rng.hpp"

namespace custseg::kmeans {

namespace {

using data::FeatureMatrix;
using data::RowSource;

// work(chunk, first local row) for every chunk. Reading a chunk is collective for streaming
// sources, and a failed read must fail every rank: the guard agrees after each read.
template <class F>
void for_each_chunk(const mpi::Communicator& comm, RowSource& source, F&& work) {
  for (std::size_t c = 0; c < source.chunk_count(); ++c) {
    const FeatureMatrix* x = nullptr;
    mpi::agree(comm, [&] { x = &source.chunk(c); });
    work(*x, source.chunk_begin(c));
  }
}

FeatureMatrix rows_at(const mpi::Communicator& comm, RowSource& source, const std::vector<std::size_t>& rows) {
  FeatureMatrix out;
  mpi::agree(comm, [&] { out = source.rows_at(comm, rows); });
  return out;
}

// The one collective of an iteration, as in driver.cpp (sums plus the rows searched).
ClusterSums reduce_sums(const mpi::Communicator& comm, ClusterSums local, std::uint64_t& rows_searched) {
  std::vector<Int128> buffer = local.pack();
  buffer.push_back(static_cast<Int128>(rows_searched));
  {
    timing::ScopedComm timed(timing::lloyd_allreduce(), buffer.size() * sizeof(Int128));  // bench-scaling figures
    mpi::allreduce_sum(comm, buffer);  // all ranks must reach this, even with zero rows
  }
  local.unpack(buffer);
  rows_searched = static_cast<std::uint64_t>(buffer.back());
  return local;
}

// One Lloyd pass over every chunk: the chunks' exact sums merged, then the collective.
ClusterSums lloyd_pass(const mpi::Communicator& comm, RowSource& source, const std::vector<double>& centroids,
                       std::size_t k, const SumScales& scales, std::vector<std::int32_t>& labels,
                       std::vector<float>& d2, std::uint64_t* rows_searched = nullptr) {
  ClusterSums total(k, source.dims());
  for_each_chunk(comm, source, [&](const FeatureMatrix& x, std::size_t begin) {
    const std::span<float> distances = d2.empty() ? std::span<float>() : std::span<float>(d2).subspan(begin, x.rows);
    total.merge(lloyd_local_step(x, centroids, k, scales, std::span<std::int32_t>(labels).subspan(begin, x.rows),
                                 distances));
  });
  std::uint64_t searched = source.rows();
  ClusterSums global = reduce_sums(comm, std::move(total), searched);
  if (rows_searched) *rows_searched = searched;
  return global;
}

std::vector<double> max_abs_of(const mpi::Communicator& comm, RowSource& source) {
  const std::size_t d = source.dims();
  std::vector<double> max_abs(d, 0.0);
  for_each_chunk(comm, source, [&](const FeatureMatrix& x, std::size_t) {
    data::visit_rows(x, [&](const auto* rows) {
      for (std::size_t i = 0; i < x.rows; ++i)
        for (std::size_t j = 0; j < d; ++j)
          max_abs[j] = std::max(max_abs[j], std::abs(static_cast<double>(rows[i * d + j])));
    });
  });
  comm.allreduce_max(max_abs);
  return max_abs;
}

// global_square_sums over chunks: each chunk's exact partial is captured instead of reduced,
// and the last call (no rows) reduces the merged partials and converts them the same way.
std::vector<double> square_sums_of(const mpi::Communicator& comm, RowSource& source, const std::vector<double>& max_abs) {
  const std::size_t d = source.dims();
  std::vector<Int128> merged(d, 0);
  for_each_chunk(comm, source, [&](const FeatureMatrix& x, std::size_t) {
    global_square_sums(x, max_abs, [&](std::span<Int128> partial) {
      for (std::size_t j = 0; j < d; ++j) merged[j] += partial[j];
    });
  });
  FeatureMatrix none;
  none.dims = d;
  none.precision = source.precision();
  return global_square_sums(none, max_abs, [&](std::span<Int128> total) {
    std::copy(merged.begin(), merged.end(), total.begin());
    mpi::allreduce_sum(comm, total);
  });
}

// ---- k-means|| (kmeans_parallel_init.cpp, with every pass over rows chunked) ----

template <class T>
void add_candidates(const T* rows, std::size_t n, std::size_t d, const std::vector<double>& candidates,
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

void add_candidates_chunked(const mpi::Communicator& comm, RowSource& source, const std::vector<double>& candidates,
                            std::size_t first, std::size_t count, std::vector<double>& d2,
                            std::vector<std::int32_t>& nearest) {
  if (count <= first) return;  // the same on every rank (the candidate set is global)
  for_each_chunk(comm, source, [&](const FeatureMatrix& x, std::size_t begin) {
    data::visit_rows(x, [&](const auto* rows) {
      add_candidates(rows, x.rows, x.dims, candidates, first, count, d2.data() + begin, nearest.data() + begin);
    });
  });
}

// Global row, then d features, per requested row (kmeans_parallel_init.cpp's pack_row).
std::vector<double> pack_rows(const FeatureMatrix& got, const std::vector<std::size_t>& local, const RowSource& source) {
  std::vector<double> out;
  data::visit_rows(got, [&](const auto* rows) {
    for (std::size_t t = 0; t < local.size(); ++t) {
      out.push_back(static_cast<double>(source.global_row(local[t])));
      out.insert(out.end(), rows + t * got.dims, rows + (t + 1) * got.dims);
    }
  });
  return out;
}

std::vector<double> init_streaming(const mpi::Communicator& comm, RowSource& source, const SumScales& scales,
                                   const InitOptions& options) {
  const std::size_t d = source.dims();
  const std::size_t n = source.rows();
  const std::size_t k = options.k;

  std::uint64_t my_best = std::numeric_limits<std::uint64_t>::max();
  std::size_t my_best_row = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint64_t h = rng::bits(options.seed, 0, source.global_row(i));
    if (h < my_best) { my_best = h; my_best_row = i; }
  }
  const std::vector<std::uint64_t> bests = comm.allgather(my_best);
  const int owner = static_cast<int>(std::min_element(bests.begin(), bests.end()) - bests.begin());
  const std::vector<std::size_t> wanted = comm.rank() == owner ? std::vector<std::size_t>{my_best_row}
                                                               : std::vector<std::size_t>{};
  const FeatureMatrix got = rows_at(comm, source, wanted);
  std::vector<double> first(d, 0.0);
  if (comm.rank() == owner) data::visit_rows(got, [&](const auto* rows) { std::copy_n(rows, d, first.begin()); });
  comm.broadcast(first, owner);
  std::vector<double> candidates = first;

  std::vector<double> d2(n, std::numeric_limits<double>::infinity());
  std::vector<std::int32_t> nearest(n, 0);
  add_candidates_chunked(comm, source, candidates, 0, 1, d2, nearest);

  const double l = options.oversampling * static_cast<double>(k);
  for (int round = 1; round <= options.rounds; ++round) {
    Int128 phi_fixed = 0;
    for (double v : d2) phi_fixed += scales.distance.to_fixed(v);
    mpi::allreduce_sum(comm, std::span(&phi_fixed, 1));
    const double phi = scales.distance.to_double(phi_fixed);
    if (!(phi > 0.0)) break;

    std::vector<std::size_t> picked_rows;
    for (std::size_t i = 0; i < n; ++i) {
      const double p = l * d2[i] / phi;
      if (rng::uniform(options.seed, static_cast<std::uint64_t>(round), source.global_row(i)) < p) picked_rows.push_back(i);
    }
    const std::vector<double> picked = pack_rows(rows_at(comm, source, picked_rows), picked_rows, source);
    const std::vector<double> gathered = comm.allgatherv(picked);
    const std::size_t old_count = candidates.size() / d;
    for (std::size_t off = 0; off < gathered.size(); off += d + 1)
      candidates.insert(candidates.end(), gathered.begin() + static_cast<std::ptrdiff_t>(off + 1),
                        gathered.begin() + static_cast<std::ptrdiff_t>(off + 1 + d));
    add_candidates_chunked(comm, source, candidates, old_count, candidates.size() / d, d2, nearest);
  }

  const std::size_t m = candidates.size() / d;
  std::vector<std::int64_t> counts(m, 0);
  for (std::size_t i = 0; i < n; ++i) counts[static_cast<std::size_t>(nearest[i])] += 1;
  comm.allreduce_sum(counts);
  std::vector<double> weights(counts.begin(), counts.end());
  return weighted_kmeanspp(candidates, weights, d, k, options.seed);
}

// ---- empty clusters (reseed.cpp): the farthest rows, their features fetched by index ----

struct Far {
  double d2;
  double row;
  std::size_t offset;
};
bool farther(const Far& a, const Far& b) { return a.d2 != b.d2 ? a.d2 > b.d2 : a.row < b.row; }

int reseed_streaming(const mpi::Communicator& comm, RowSource& source, const ClusterSums& global,
                     std::span<const float> distance2, std::vector<double>& centroids) {
  std::vector<std::size_t> empty;
  for (std::size_t c = 0; c < global.k; ++c)
    if (global.counts[c] == 0) empty.push_back(c);
  if (empty.empty()) return 0;
  const std::size_t m = empty.size(), d = source.dims(), n = source.rows();

  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  auto local_far = [&](std::size_t i) { return Far{distance2[i], static_cast<double>(source.global_row(i)), 0}; };
  const std::size_t keep = std::min(m, n);
  std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(keep), order.end(),
                    [&](std::size_t a, std::size_t b) { return farther(local_far(a), local_far(b)); });
  order.resize(keep);
  const FeatureMatrix got = rows_at(comm, source, order);
  std::vector<double> mine;
  data::visit_rows(got, [&](const auto* rows) {
    for (std::size_t t = 0; t < keep; ++t) {
      mine.push_back(distance2[order[t]]);
      mine.push_back(static_cast<double>(source.global_row(order[t])));
      mine.insert(mine.end(), rows + t * d, rows + (t + 1) * d);
    }
  });
  const std::vector<double> all = comm.allgatherv(mine);
  const std::size_t stride = d + 2;
  std::vector<Far> pool;
  for (std::size_t off = 0; off < all.size(); off += stride) pool.push_back(Far{all[off], all[off + 1], off});
  std::sort(pool.begin(), pool.end(), farther);
  for (std::size_t e = 0; e < m && e < pool.size(); ++e)
    std::copy_n(all.begin() + static_cast<std::ptrdiff_t>(pool[e].offset + 2), d,
                centroids.begin() + static_cast<std::ptrdiff_t>(empty[e] * d));
  return static_cast<int>(m);
}

// ---- the driver's loop (driver.cpp run_once / fit) ----

struct RunOutcome {
  std::vector<double> centroids;
  std::vector<std::int32_t> labels;
  std::vector<float> d2;
  ClusterSums sums;
  int iterations = 0;
  bool converged = false;
  std::vector<IterationRecord> history;
  double init_seconds = 0.0, iterate_seconds = 0.0;
};

RunOutcome run_once(const mpi::Communicator& comm, RowSource& source, const KMeansOptions& o, std::uint64_t run_seed,
                    const SumScales& scales, const std::vector<double>& square_sums, double tol_abs,
                    const Logger& log) {
  RunOutcome r;
  const std::size_t k = o.k;
  Stopwatch init_clock;
  r.centroids = o.initial_centroids
                    ? *o.initial_centroids
                    : init_streaming(comm, source, scales, InitOptions{k, run_seed, o.init_rounds, o.oversampling});
  r.init_seconds = init_clock.seconds();
  log.detail("  k-means|| initialisation (streamed): " + std::to_string(r.init_seconds) + " s");

  r.labels.resize(source.rows());
  Stopwatch iterate_clock;
  std::vector<float> no_distances;
  for (int it = 1; it <= o.max_iter; ++it) {
    Stopwatch clock;
    IterationRecord rec;
    const ClusterSums global = lloyd_pass(comm, source, r.centroids, k, scales, r.labels, no_distances, &rec.rows_searched);
    rec.iteration = it;
    rec.inertia = inertia_from_sums(global, scales, square_sums, r.centroids);
    const std::vector<double> before = r.centroids;
    rec.shift = update_centroids(global, scales, r.centroids);
    if (std::any_of(global.counts.begin(), global.counts.end(), [](Int128 c) { return c == 0; })) {
      std::vector<float> d2(source.rows());
      for_each_chunk(comm, source, [&](const FeatureMatrix& x, std::size_t begin) {
        distances_to_labels(x, before, std::span<const std::int32_t>(r.labels).subspan(begin, x.rows),
                            std::span<float>(d2).subspan(begin, x.rows));
      });
      rec.reseeded = reseed_streaming(comm, source, global, d2, r.centroids);
    }
    rec.seconds = clock.seconds();
    r.history.push_back(rec);
    r.iterations = it;
    char line[200];
    std::snprintf(line, sizeof line, "  iteration %3d  inertia %-12s  shift %.3e  %zu chunks  %.3f s%s", it,
                  std::to_string(rec.inertia).c_str(), rec.shift, source.chunk_count(), rec.seconds,
                  rec.reseeded ? "  (re-seeded empty clusters)" : "");
    log.info(line);
    if (rec.reseeded == 0 && rec.shift <= tol_abs) {
      r.converged = true;
      break;
    }
  }
  r.d2.resize(source.rows());
  r.sums = lloyd_pass(comm, source, r.centroids, k, scales, r.labels, r.d2);
  r.iterate_seconds = iterate_clock.seconds();
  return r;
}

}  // namespace

KMeansResult fit_streaming(const mpi::Communicator& comm, data::RowSource& source, const KMeansOptions& o,
                           double variance_scale, const Logger& log) {
  const std::vector<double> max_abs = max_abs_of(comm, source);
  const SumScales scales = SumScales::from_max_abs(max_abs);
  const std::vector<double> square_sums = square_sums_of(comm, source, max_abs);
  const double tol_abs = o.tol * variance_scale;
  const int runs = o.initial_centroids ? 1 : std::max(1, o.n_init);
  log.info("k-means: algorithm lloyd (streamed in " + std::to_string(source.chunk_count()) + " chunks per pass), " +
           data::to_string(source.precision()) + " features");

  KMeansResult result;
  result.algorithm = to_string(Algorithm::lloyd);
  RunOutcome best;
  Int128 best_inertia = 0;
  for (int run = 0; run < runs; ++run) {
    const std::uint64_t run_seed = rng::bits(o.seed, 0xabc, static_cast<std::uint64_t>(run));
    if (runs > 1) log.info("restart " + std::to_string(run + 1) + " of " + std::to_string(runs));
    RunOutcome r = run_once(comm, source, o, run_seed, scales, square_sums, tol_abs, log);
    result.init_seconds += r.init_seconds;
    result.iterate_seconds += r.iterate_seconds;
    result.restart_inertia.push_back(scales.distance.to_double(r.sums.inertia));
    if (run == 0 || r.sums.inertia < best_inertia) {
      best_inertia = r.sums.inertia;
      best = std::move(r);
      result.best_restart = run;
    }
  }
  result.centroids = std::move(best.centroids);
  result.labels = std::move(best.labels);
  result.distance2 = std::move(best.d2);
  result.counts.assign(best.sums.counts.begin(), best.sums.counts.end());
  result.inertia = scales.distance.to_double(best.sums.inertia);
  result.iterations = best.iterations;
  result.converged = best.converged;
  result.history = std::move(best.history);
  return result;
}

}  // namespace custseg::kmeans
