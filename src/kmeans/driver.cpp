// The one k-means loop (driver.hpp), over any row source.
#include "custseg/kmeans/driver.hpp"

#include <algorithm>
#include <cstdio>
#include <functional>
#include <memory>

#include "custseg/data/row_source.hpp"
#include "custseg/kmeans/init.hpp"
#include "custseg/kmeans/lloyd_step.hpp"
#include "custseg/mpi/collective_guard.hpp"
#include "custseg/mpi/exact_sum.hpp"
#include "custseg/util/error.hpp"
#include "custseg/util/log.hpp"
#include "custseg/util/phase_timer.hpp"
#include "custseg/util/rng.hpp"
#include "custseg/util/rng_streams.hpp"
#include "reseed.hpp"
#include "row_passes.hpp"

namespace custseg::kmeans {

namespace {

using data::RowSource;

// Everything a restart needs that is fixed for the whole fit.
struct Fit {
  const mpi::Communicator& comm;
  RowSource& source;
  const KMeansOptions& options;
  Algorithm algorithm;
  SumScales scales;
  std::vector<double> square_sums;
  double tol_abs;
  const Logger& log;
};

// One restart: its final centroids, assignment, distances and exact sums.
struct RunOutcome {
  std::vector<double> centroids;
  std::vector<std::int32_t> labels;
  std::vector<float> distance2;
  ClusterSums sums;
  int iterations = 0;
  bool converged = false;
  std::size_t distinct_rows = 0;  // > 0: fewer distinct rows than k, one cluster each
  std::vector<IterationRecord> history;
  double init_seconds = 0.0, iterate_seconds = 0.0;
};

// The Lloyd step over a streamed source: every chunk in turn, the chunks' exact sums merged.
// Its reads are collective; it lives with the driver, not with the local steps.
class StreamedLloydStep final : public LocalStep {
 public:
  StreamedLloydStep(const mpi::Communicator& comm, RowSource& source, std::size_t k, const SumScales& scales)
      : comm_(comm), source_(source), k_(k), scales_(scales) {}
  LocalPass run(const std::vector<double>& centroids, std::span<std::int32_t> labels) override {
    LocalPass pass{ClusterSums(k_, source_.dims()), source_.rows()};
    detail::for_each_chunk(comm_, source_, [&](const data::FeatureMatrix& x, std::size_t begin) {
      pass.sums.merge(lloyd_local_step(x, centroids, k_, scales_, labels.subspan(begin, x.rows), std::span<float>{}));
    });
    return pass;
  }

 private:
  const mpi::Communicator& comm_;
  RowSource& source_;
  std::size_t k_;
  SumScales scales_;
};

std::unique_ptr<LocalStep> make_step(const Fit& fit) {
  if (fit.source.streaming())
    return std::make_unique<StreamedLloydStep>(fit.comm, fit.source, fit.options.k, fit.scales);
  return make_local_step(fit.algorithm, fit.source.chunk(0), fit.options.k, fit.scales);
}

bool has_empty_cluster(const ClusterSums& global) {
  return std::any_of(global.counts.begin(), global.counts.end(), [](Int128 c) { return c == 0; });
}

// Same global counts on every rank, so every rank re-seeds or none does. `before`: the centroids
// the labels were assigned to.
int reseed(const Fit& fit, const ClusterSums& global, const std::vector<double>& before,
           std::span<const std::int32_t> labels, std::vector<double>& centroids) {
  std::vector<float> distance2(fit.source.rows());
  detail::distances_to_labels_pass(fit.comm, fit.source, before, labels, distance2);
  return detail::reseed_empty_clusters(fit.comm, fit.source, global, distance2, centroids);
}

void log_iteration(const Fit& fit, const IterationRecord& rec, const ClusterSums& global) {
  Int128 rows = 0;
  for (Int128 c : global.counts) rows += c;
  const double searched_percent =
      100.0 * static_cast<double>(rec.rows_searched) / std::max(1.0, static_cast<double>(rows));
  const std::string chunks =
      fit.source.streaming() ? "  " + std::to_string(fit.source.chunk_count()) + " chunks" : std::string();
  char line[256];
  std::snprintf(line, sizeof line, "  iteration %3d  inertia %-12s  shift %.3e  searched %5.1f%%%s  %.3f s%s",
                rec.iteration, std::to_string(rec.inertia).c_str(), rec.shift, searched_percent, chunks.c_str(),
                rec.seconds,
                rec.reseeded ? "  (re-seeded empty clusters)"
                             : rec.distinct_limited ? "  (empty clusters: fewer distinct rows than k)" : "");
  fit.log.info(line);
}

// One iteration: the step's local pass, the one collective, then the decisions every rank
// makes from the same global sums: inertia, update, re-seeding.
// An empty cluster is either re-seeded or, when every non-empty cluster is one distinct point
// (fewer distinct rows than k), left alone: `points` then gets the non-empty clusters.
IterationRecord iterate(const Fit& fit, LocalStep& step, int iteration, std::vector<double>& centroids,
                        std::span<std::int32_t> labels, std::vector<std::size_t>& points) {
  const Stopwatch clock;
  const GlobalPass global = reduce_sums(fit.comm, step.run(centroids, labels));
  IterationRecord rec;
  rec.iteration = iteration;
  rec.rows_searched = global.rows_searched;
  rec.inertia = inertia_from_sums(global.sums, fit.scales, fit.square_sums, centroids);
  const std::vector<double> before = centroids;
  rec.shift = update_centroids(global.sums, fit.scales, centroids);
  if (has_empty_cluster(global.sums)) {
    points = detail::clusters_if_all_points(fit.comm, fit.source, global.sums, labels);
    rec.distinct_limited = !points.empty();
    if (!rec.distinct_limited) rec.reseeded = reseed(fit, global.sums, before, labels, centroids);
  }
  rec.seconds = clock.seconds();
  log_iteration(fit, rec, global.sums);
  return rec;
}

// Keeps the centroids of the given clusters, in index order.
std::vector<double> keep_clusters(const std::vector<double>& centroids, const std::vector<std::size_t>& kept,
                                  std::size_t d) {
  std::vector<double> out;
  for (std::size_t c : kept)
    out.insert(out.end(), centroids.begin() + static_cast<std::ptrdiff_t>(c * d),
               centroids.begin() + static_cast<std::ptrdiff_t>((c + 1) * d));
  return out;
}

// Every rank takes this decision from the same global sums, so all refuse or none do.
void on_fewer_distinct(const Fit& fit, std::size_t distinct) {
  const std::string what = "k = " + std::to_string(fit.options.k) + " requested, " + std::to_string(distinct) +
                           " distinct customers";
  mpi::agree(fit.comm, [&] {
    if (fit.options.fewer_distinct == FewerDistinct::fail)
      throw_input(what + ": k exceeds the " + std::to_string(distinct) +
                  " distinct rows of the features (duplicate customers); lower --k or use --fewer-distinct reduce");
  });
  fit.log.info("k-means: " + what + ": " + std::to_string(distinct) +
               " segments (each is one distinct point; the optimum, inertia 0, is reached)");
}

std::vector<double> initial_centroids(const Fit& fit, std::uint64_t run_seed) {
  const KMeansOptions& o = fit.options;
  if (o.initial_centroids) return *o.initial_centroids;
  return kmeans_parallel_init(fit.comm, fit.source, fit.scales, InitOptions{o.k, run_seed, o.init_rounds, o.oversampling},
                              fit.log);
}

RunOutcome run_once(const Fit& fit, std::uint64_t run_seed) {
  RunOutcome r;
  const Stopwatch init_clock;
  r.centroids = initial_centroids(fit, run_seed);
  r.init_seconds = init_clock.seconds();
  fit.log.detail("  k-means|| initialisation: " + std::to_string(r.init_seconds) + " s");

  r.labels.resize(fit.source.rows());
  const Stopwatch iterate_clock;
  {
    // The step (and its per-row bounds) lives only for the iterations: it is gone before the
    // final pass allocates the distances, which keeps the peak per rank low.
    const std::unique_ptr<LocalStep> step = make_step(fit);
    std::vector<std::size_t> points;
    for (int it = 1; it <= fit.options.max_iter; ++it) {
      const IterationRecord rec = iterate(fit, *step, it, r.centroids, r.labels, points);
      r.history.push_back(rec);
      r.iterations = it;
      if (rec.distinct_limited) {
        // Fewer distinct rows than k: the fit has one cluster per distinct row.
        on_fewer_distinct(fit, points.size());
        r.centroids = keep_clusters(r.centroids, points, fit.source.dims());
        r.distinct_rows = points.size();
      }
      if (rec.distinct_limited || (rec.reseeded == 0 && rec.shift <= fit.tol_abs)) {
        r.converged = true;
        break;
      }
    }
  }
  // Final assignment against the final centroids, so labels, distances and inertia agree.
  r.distance2.resize(fit.source.rows());
  const std::size_t k = r.centroids.size() / std::max<std::size_t>(1, fit.source.dims());
  r.sums = detail::global_lloyd_pass(fit.comm, fit.source, r.centroids, k, fit.scales, r.labels, r.distance2);
  r.iterate_seconds = iterate_clock.seconds();
  return r;
}

KMeansResult result_of(RunOutcome best, const SumScales& scales) {
  KMeansResult result;
  result.centroids = std::move(best.centroids);
  result.labels = std::move(best.labels);
  result.distance2 = std::move(best.distance2);
  result.counts.assign(best.sums.counts.begin(), best.sums.counts.end());
  result.inertia = scales.distance.to_double(best.sums.inertia);
  result.iterations = best.iterations;
  result.converged = best.converged;
  result.distinct_rows = best.distinct_rows;
  result.history = std::move(best.history);
  return result;
}

// Runs every restart and keeps the one of lowest exact inertia (ties: the earlier one), so every
// rank keeps the same restart.
KMeansResult best_of_restarts(const Fit& fit) {
  const KMeansOptions& o = fit.options;
  const int runs = o.initial_centroids ? 1 : std::max(1, o.n_init);
  RunOutcome best;
  int best_run = 0;
  std::vector<double> restart_inertia;
  double init_seconds = 0.0, iterate_seconds = 0.0;
  for (int run = 0; run < runs; ++run) {
    const std::uint64_t run_seed = rng::bits(o.seed, rng::streams::kRestartSeed, static_cast<std::uint64_t>(run));
    if (runs > 1) fit.log.info("restart " + std::to_string(run + 1) + " of " + std::to_string(runs));
    RunOutcome r = run_once(fit, run_seed);
    init_seconds += r.init_seconds;
    iterate_seconds += r.iterate_seconds;
    restart_inertia.push_back(fit.scales.distance.to_double(r.sums.inertia));
    const bool degenerate = r.distinct_rows > 0;
    if (run == 0 || r.sums.inertia < best.sums.inertia) {  // exact integers: the same choice everywhere
      best = std::move(r);
      best_run = run;
    }
    // One cluster per distinct row is the only partition of that data into that many clusters
    // with inertia 0: another restart could only find it again.
    if (degenerate) break;
  }
  KMeansResult result = result_of(std::move(best), fit.scales);
  result.algorithm = to_string(fit.algorithm);
  result.requested_k = o.k;
  result.best_restart = best_run;
  result.restart_inertia = std::move(restart_inertia);
  result.init_seconds = init_seconds;
  result.iterate_seconds = iterate_seconds;
  return result;
}

// The step that runs: a streamed source always iterates with Lloyd (see driver.hpp).
Algorithm resolve_algorithm(const mpi::Communicator& comm, RowSource& source, const KMeansOptions& o,
                            const Logger& log) {
  if (source.streaming()) {
    log.info("k-means: algorithm lloyd (streamed in " + std::to_string(source.chunk_count()) + " chunks per pass), " +
             data::to_string(source.precision()) + " features");
    return Algorithm::lloyd;
  }
  const Algorithm a = choose_algorithm(o.algorithm, comm.sum(static_cast<std::uint64_t>(source.rows())),
                                       source.dims(), o.k);
  log.info("k-means: algorithm " + to_string(a) + (o.algorithm == Algorithm::automatic ? " (auto)" : "") + ", " +
           data::to_string(source.precision()) + " features");
  return a;
}

}  // namespace

KMeansResult fit(const mpi::Communicator& comm, RowSource& source, const KMeansOptions& o, double variance_scale,
                 const Logger& log) {
  const std::vector<double> max_abs = detail::global_max_abs(comm, source);
  const Fit setup{comm,
                  source,
                  o,
                  resolve_algorithm(comm, source, o, log),
                  SumScales::from_max_abs(max_abs),
                  detail::global_square_sums(comm, source, max_abs),
                  o.tol * variance_scale,
                  log};
  return best_of_restarts(setup);
}

KMeansResult fit(const mpi::Communicator& comm, const data::FeatureMatrix& x, const KMeansOptions& o,
                 double variance_scale, const Logger& log) {
  data::InMemoryRows source(x);
  return fit(comm, source, o, variance_scale, log);
}

std::vector<double> global_max_abs(const mpi::Communicator& comm, const data::FeatureMatrix& x) {
  data::InMemoryRows source(x);
  return detail::global_max_abs(comm, source);
}

GlobalPass reduce_sums(const mpi::Communicator& comm, LocalPass local) {
  std::vector<Int128> buffer = local.sums.pack();
  buffer.push_back(static_cast<Int128>(local.rows_searched));
  {
    timing::ScopedComm timed(timing::lloyd_allreduce(), buffer.size() * sizeof(Int128));  // bench-scaling figures
    mpi::allreduce_sum(comm, buffer);
  }
  const auto rows_searched = static_cast<std::uint64_t>(buffer.back());
  buffer.pop_back();
  local.sums.unpack(buffer);
  return GlobalPass{std::move(local.sums), rows_searched};
}

}  // namespace custseg::kmeans
