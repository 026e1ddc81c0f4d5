#include "custseg/kmeans/driver.hpp"

#include <algorithm>
#include <cstdio>
#include <numeric>

#include "custseg/kmeans/lloyd_step.hpp"
#include "custseg/kmeans/reseed.hpp"
#include "custseg/util/rng.hpp"

namespace custseg::kmeans {

std::vector<double> global_max_abs(const mpi::Communicator& comm, const data::FeatureMatrix& x) {
  std::vector<double> max_abs(x.dims, 0.0);
  for (std::size_t i = 0; i < x.rows; ++i)
    for (std::size_t j = 0; j < x.dims; ++j) max_abs[j] = std::max(max_abs[j], std::abs(x.row(i)[j]));
  comm.allreduce_max(max_abs);
  return max_abs;
}

namespace {

// One Lloyd pass over all ranks: local step, then the one collective of the iteration.
ClusterSums global_step(const mpi::Communicator& comm, const data::FeatureMatrix& x,
                        const std::vector<double>& centroids, std::size_t k, const SumScales& scales,
                        std::vector<std::int32_t>& labels, std::vector<double>& d2) {
  ClusterSums local = lloyd_local_step(x, centroids, k, scales, labels, d2);
  std::vector<Int128> buffer = local.pack();
  mpi::allreduce_sum(comm, buffer);  // all ranks must reach this, even with zero rows
  local.unpack(buffer);
  return local;
}

struct RunOutcome {
  std::vector<double> centroids;
  std::vector<std::int32_t> labels;
  std::vector<double> d2;
  ClusterSums sums;
  int iterations = 0;
  bool converged = false;
  std::vector<IterationRecord> history;
  double init_seconds = 0.0, iterate_seconds = 0.0;
};

RunOutcome run_once(const mpi::Communicator& comm, const data::FeatureMatrix& x, const KMeansOptions& o,
                    std::uint64_t run_seed, const SumScales& scales, double tol_abs, const Logger& log) {
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
  r.d2.resize(x.rows);
  Stopwatch iterate_clock;
  for (int it = 1; it <= o.max_iter; ++it) {
    Stopwatch clock;
    ClusterSums global = global_step(comm, x, r.centroids, k, scales, r.labels, r.d2);
    IterationRecord rec;
    rec.iteration = it;
    rec.inertia = scales.distance.to_double(global.inertia);
    rec.shift = update_centroids(global, scales, r.centroids);
    // Same global counts on every rank, so every rank takes this branch or none does.
    rec.reseeded = reseed_empty_clusters(comm, x, global, r.d2, r.centroids);
    rec.seconds = clock.seconds();
    r.history.push_back(rec);
    r.iterations = it;
    char line[160];
    std::snprintf(line, sizeof line, "  iteration %3d  inertia %.6e  shift %.3e  %.3f s%s", it, rec.inertia, rec.shift,
                  rec.seconds, rec.reseeded ? "  (re-seeded empty clusters)" : "");
    log.info(line);
    if (rec.reseeded == 0 && rec.shift <= tol_abs) {
      r.converged = true;
      break;
    }
  }
  // Final assignment against the final centroids, so labels, distances and inertia agree.
  r.sums = global_step(comm, x, r.centroids, k, scales, r.labels, r.d2);
  r.iterate_seconds = iterate_clock.seconds();
  return r;
}

}  // namespace

KMeansResult fit(const mpi::Communicator& comm, const data::FeatureMatrix& x, const KMeansOptions& o,
                 double variance_scale, const Logger& log) {
  const SumScales scales = SumScales::from_max_abs(global_max_abs(comm, x));
  const double tol_abs = o.tol * variance_scale;
  const int runs = o.initial_centroids ? 1 : std::max(1, o.n_init);

  KMeansResult result;
  RunOutcome best;
  Int128 best_inertia = 0;
  for (int run = 0; run < runs; ++run) {
    const std::uint64_t run_seed = rng::bits(o.seed, 0xabc, static_cast<std::uint64_t>(run));
    if (runs > 1) log.info("restart " + std::to_string(run + 1) + " of " + std::to_string(runs));
    RunOutcome r = run_once(comm, x, o, run_seed, scales, tol_abs, log);
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
