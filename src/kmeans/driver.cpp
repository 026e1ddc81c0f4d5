#include "custseg/kmeans/driver.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <memory>
#include <numeric>

#include "custseg/kmeans/lloyd_step.hpp"
#include "custseg/kmeans/reseed.hpp"
#include "custseg/util/phase_timer.hpp"
#include "custseg/util/rng.hpp"

namespace custseg::kmeans {

std::vector<double> global_max_abs(const mpi::Communicator& comm, const data::FeatureMatrix& x) {
  std::vector<double> max_abs(x.dims, 0.0);
  data::visit_rows(x, [&](const auto* rows) {
    for (std::size_t i = 0; i < x.rows; ++i)
      for (std::size_t j = 0; j < x.dims; ++j)
        max_abs[j] = std::max(max_abs[j], std::abs(static_cast<double>(rows[i * x.dims + j])));
  });
  comm.allreduce_max(max_abs);
  return max_abs;
}

namespace {

double global_rows(const ClusterSums& global) {
  Int128 n = 0;
  for (Int128 c : global.counts) n += c;
  return static_cast<double>(n);
}

// One full Lloyd pass over all ranks, with distances: the final assignment.
ClusterSums global_step(const mpi::Communicator& comm, const data::FeatureMatrix& x,
                        const std::vector<double>& centroids, std::size_t k, const SumScales& scales,
                        std::vector<std::int32_t>& labels, std::vector<float>& d2) {
  std::uint64_t searched = x.rows;
  return reduce_sums(comm, lloyd_local_step(x, centroids, k, scales, labels, d2), searched);
}

RunOutcome run_once(const mpi::Communicator& comm, const data::FeatureMatrix& x, const KMeansOptions& o,
                    Algorithm algorithm, std::uint64_t run_seed, const SumScales& scales,
                    const std::vector<double>& square_sums, double tol_abs, const Logger& log) {
  RunOutcome r;
  const std::size_t k = o.k;
  Stopwatch init_clock;
  if (o.initial_centroids) {
    r.centroids = *o.initial_centroids;
  } else {
    r.centroids = kmeans_parallel_init(comm, x, scales, InitOptions{k, run_seed, o.init_rounds, o.oversampling});
  }
  r.init_seconds = init_clock.seconds();
  log.detail("  k-means|| initialisation: " + std::to_string(r.init_seconds) + " s");

  r.labels.resize(x.rows);
  Stopwatch iterate_clock;
  {
    // The step (and its per-row bounds) lives only for the iterations: it is gone before the
    // final pass allocates the distances, which keeps the peak per rank low.
    const std::unique_ptr<LocalStep> step = make_local_step(algorithm, x, k, scales);
    for (int it = 1; it <= o.max_iter; ++it) {
      Stopwatch clock;
      std::uint64_t searched = 0;
      ClusterSums local = step->run(r.centroids, r.labels);
      searched = step->rows_searched();
      const ClusterSums global = reduce_sums(comm, std::move(local), searched);
      IterationRecord rec;
      rec.iteration = it;
      rec.rows_searched = searched;
      rec.inertia = inertia_from_sums(global, scales, square_sums, r.centroids);
      const std::vector<double> before = r.centroids;
      rec.shift = update_centroids(global, scales, r.centroids);
      // Same global counts on every rank, so every rank takes this branch or none does.
      if (std::any_of(global.counts.begin(), global.counts.end(), [](Int128 c) { return c == 0; })) {
        std::vector<float> d2(x.rows);
        distances_to_labels(x, before, r.labels, d2);  // what Lloyd's pass would have stored
        rec.reseeded = reseed_empty_clusters(comm, x, global, d2, r.centroids);
      }
      rec.seconds = clock.seconds();
      r.history.push_back(rec);
      r.iterations = it;
      char line[200];
      std::snprintf(line, sizeof line, "  iteration %3d  inertia %-12s  shift %.3e  searched %5.1f%%  %.3f s%s", it,
                    std::to_string(rec.inertia).c_str(), rec.shift,
                    100.0 * static_cast<double>(searched) / std::max(1.0, static_cast<double>(global_rows(global))),
                    rec.seconds, rec.reseeded ? "  (re-seeded empty clusters)" : "");
      log.info(line);
      if (rec.reseeded == 0 && rec.shift <= tol_abs) {
        r.converged = true;
        break;
      }
    }
  }
  // Final assignment against the final centroids, so labels, distances and inertia agree.
  r.d2.resize(x.rows);
  r.sums = global_step(comm, x, r.centroids, k, scales, r.labels, r.d2);
  r.iterate_seconds = iterate_clock.seconds();
  return r;
}

}  // namespace

KMeansResult fit(const mpi::Communicator& comm, const data::FeatureMatrix& x, const KMeansOptions& o,
                 double variance_scale, const Logger& log) {
  const std::vector<double> max_abs = global_max_abs(comm, x);
  const SumScales scales = SumScales::from_max_abs(max_abs);
  const std::vector<double> square_sums =
      global_square_sums(x, max_abs, [&](std::span<Int128> v) { mpi::allreduce_sum(comm, v); });
  const double tol_abs = o.tol * variance_scale;
  const Algorithm algorithm = choose_algorithm(o.algorithm, comm.sum(static_cast<std::uint64_t>(x.rows)), x.dims, o.k);
  log.info("k-means: algorithm " + to_string(algorithm) + (o.algorithm == Algorithm::automatic ? " (auto)" : "") +
           ", " + data::to_string(x.precision) + " features");
  return best_of_restarts(o, scales, to_string(algorithm), log, [&](std::uint64_t run_seed) {
    return run_once(comm, x, o, algorithm, run_seed, scales, square_sums, tol_abs, log);
  });
}

ClusterSums reduce_sums(const mpi::Communicator& comm, ClusterSums local, std::uint64_t& rows_searched) {
  std::vector<Int128> buffer = local.pack();
  buffer.push_back(static_cast<Int128>(rows_searched));
  {
    timing::ScopedComm timed(timing::lloyd_allreduce(), buffer.size() * sizeof(Int128));  // bench-scaling figures
    mpi::allreduce_sum(comm, buffer);
  }
  local.unpack(buffer);
  rows_searched = static_cast<std::uint64_t>(buffer.back());
  return local;
}

KMeansResult best_of_restarts(const KMeansOptions& o, const SumScales& scales, const std::string& algorithm,
                              const Logger& log, const std::function<RunOutcome(std::uint64_t)>& run_once) {
  const int runs = o.initial_centroids ? 1 : std::max(1, o.n_init);
  KMeansResult result;
  result.algorithm = algorithm;
  RunOutcome best;
  Int128 best_inertia = 0;
  for (int run = 0; run < runs; ++run) {
    const std::uint64_t run_seed = rng::bits(o.seed, 0xabc, static_cast<std::uint64_t>(run));
    if (runs > 1) log.info("restart " + std::to_string(run + 1) + " of " + std::to_string(runs));
    RunOutcome r = run_once(run_seed);
    result.init_seconds += r.init_seconds;
    result.iterate_seconds += r.iterate_seconds;
    result.restart_inertia.push_back(scales.distance.to_double(r.sums.inertia));
    // Exact integer inertia: every rank keeps the same restart; ties keep the earlier one.
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
