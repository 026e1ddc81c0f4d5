// k-means over a RowSource, chunk by chunk (streaming_fit.hpp). The decisions are the shared
// steps of driver.hpp, init.hpp and reseed.hpp that the in-memory fit calls too; only the passes
// over rows are chunked here. tests/integration/test_streaming.cpp checks that the results stay
// bitwise identical to the in-memory fit.
#include "custseg/kmeans/streaming_fit.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

#include "custseg/kmeans/init.hpp"
#include "custseg/kmeans/lloyd_step.hpp"
#include "custseg/kmeans/reseed.hpp"
#include "custseg/mpi/collective_guard.hpp"
#include "custseg/mpi/exact_sum.hpp"
#include "custseg/util/log.hpp"

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

void add_candidates_chunked(const mpi::Communicator& comm, RowSource& source, const std::vector<double>& candidates,
                            std::size_t first, std::size_t count, std::vector<double>& d2,
                            std::vector<std::int32_t>& nearest) {
  if (count <= first) return;  // the same on every rank (the candidate set is global)
  for_each_chunk(comm, source, [&](const FeatureMatrix& x, std::size_t begin) {
    add_candidates(x, candidates, first, count, std::span<double>(d2).subspan(begin, x.rows),
                   std::span<std::int32_t>(nearest).subspan(begin, x.rows));
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
                                   const InitOptions& options, const Logger& log) {
  const Stopwatch clock;
  const std::size_t d = source.dims();
  const std::size_t n = source.rows();
  const GlobalRow global_row = [&](std::size_t i) { return source.global_row(i); };

  const FirstCandidate start = first_candidate(comm, n, global_row, options.seed);
  const std::vector<std::size_t> wanted = comm.rank() == start.owner ? std::vector<std::size_t>{start.local_row}
                                                                     : std::vector<std::size_t>{};
  const FeatureMatrix got = rows_at(comm, source, wanted);
  std::vector<double> first(d, 0.0);
  if (comm.rank() == start.owner) data::visit_rows(got, [&](const auto* rows) { std::copy_n(rows, d, first.begin()); });
  comm.broadcast(first, start.owner);
  std::vector<double> candidates = first;

  std::vector<double> d2(n, std::numeric_limits<double>::infinity());
  std::vector<std::int32_t> nearest(n, 0);
  add_candidates_chunked(comm, source, candidates, 0, 1, d2, nearest);

  const double l = options.oversampling * static_cast<double>(options.k);
  for (int round = 1; round <= options.rounds; ++round) {
    const double phi = global_potential(comm, d2, scales);
    if (!(phi > 0.0)) break;

    const std::vector<std::size_t> picked_rows = oversample(d2, l, phi, options.seed, round, global_row);
    const std::vector<double> picked = pack_rows(rows_at(comm, source, picked_rows), picked_rows, source);
    const std::vector<double> gathered = comm.allgatherv(picked);
    const std::size_t old_count = candidates.size() / d;
    append_gathered(gathered, d, candidates);
    add_candidates_chunked(comm, source, candidates, old_count, candidates.size() / d, d2, nearest);
    // Every round is a pass over the rows: a progress line each (minutes at 1e8 rows).
    log.info("  k-means|| round " + std::to_string(round) + "/" + std::to_string(options.rounds) + ": " +
             std::to_string(candidates.size() / d) + " candidates, " + std::to_string(clock.seconds()) + " s");
  }
  return reduce_candidates(comm, candidates, nearest, d, options);
}

// ---- empty clusters (reseed.cpp): the farthest rows, their features fetched by index ----

int reseed_streaming(const mpi::Communicator& comm, RowSource& source, const ClusterSums& global,
                     std::span<const float> distance2, std::vector<double>& centroids) {
  const std::vector<std::size_t> empty = empty_clusters(global);
  if (empty.empty()) return 0;
  const std::size_t d = source.dims();
  const std::vector<std::size_t> order =
      farthest_rows(distance2, [&](std::size_t i) { return source.global_row(i); }, empty.size());
  const FeatureMatrix got = rows_at(comm, source, order);
  std::vector<double> mine;
  data::visit_rows(got, [&](const auto* rows) {
    for (std::size_t t = 0; t < order.size(); ++t) {
      mine.push_back(distance2[order[t]]);
      mine.push_back(static_cast<double>(source.global_row(order[t])));
      mine.insert(mine.end(), rows + t * d, rows + (t + 1) * d);
    }
  });
  return reseed_from_gathered(comm.allgatherv(mine), d, empty, centroids);
}

// ---- the driver's loop (driver.cpp run_once / fit) ----

RunOutcome run_once(const mpi::Communicator& comm, RowSource& source, const KMeansOptions& o, std::uint64_t run_seed,
                    const SumScales& scales, const std::vector<double>& square_sums, double tol_abs,
                    const Logger& log) {
  RunOutcome r;
  const std::size_t k = o.k;
  Stopwatch init_clock;
  r.centroids = o.initial_centroids
                    ? *o.initial_centroids
                    : init_streaming(comm, source, scales, InitOptions{k, run_seed, o.init_rounds, o.oversampling}, log);
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
  log.info("k-means: algorithm lloyd (streamed in " + std::to_string(source.chunk_count()) + " chunks per pass), " +
           data::to_string(source.precision()) + " features");
  return best_of_restarts(o, scales, to_string(Algorithm::lloyd), log, [&](std::uint64_t run_seed) {
    return run_once(comm, source, o, run_seed, scales, square_sums, tol_abs, log);
  });
}

}  // namespace custseg::kmeans
