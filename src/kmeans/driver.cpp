// The one k-means loop (driver.hpp), over any row source.
#include "custseg/kmeans/driver.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <memory>
#include <optional>
#include <thread>

#include "custseg/data/row_source.hpp"
#include "custseg/kmeans/checkpoint.hpp"
#include "custseg/kmeans/init.hpp"
#include "custseg/kmeans/lloyd_step.hpp"
#include "custseg/mpi/collective_guard.hpp"
#include "custseg/mpi/exact_sum.hpp"
#include "custseg/util/error.hpp"
#include "custseg/util/log.hpp"
#include "custseg/util/phase_timer.hpp"
#include "custseg/util/rng.hpp"
#include "custseg/util/rng_streams.hpp"
#include "custseg/util/stop_signal.hpp"
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
  CheckpointPlan* plan;  // null: no checkpoints
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
  bool restored = false;  // from a checkpoint: labels, distances and counts still to recompute
};

// The finished restarts: what a checkpoint saves besides the restart in progress.
struct Restarts {
  RunOutcome best;
  bool have_best = false;
  int best_run = 0;
  std::vector<double> restart_inertia;
  double init_seconds = 0.0, iterate_seconds = 0.0;
};

// For tests only (docs/checkpoint-resume.md): CUSTSEG_TEST_ITERATION_DELAY_MS makes every
// iteration wait that long, so that a test can interrupt a run of a small table mid-fit.
void test_iteration_delay() {
  static const long delay_ms = [] {
    const char* text = std::getenv("CUSTSEG_TEST_ITERATION_DELAY_MS");
    return text ? std::strtol(text, nullptr, 10) : 0L;
  }();
  if (delay_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
}

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
  test_iteration_delay();
  const GlobalPass global = reduce_sums(fit.comm, step.run(centroids, labels));
  if (fit.plan && global.stop_flags != 0) fit.plan->stop_signal = signal_of_flag_sum(global.stop_flags);
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

// ---- checkpoints (checkpoint.hpp) ----

CheckpointBest best_of(const Restarts& done) {
  const RunOutcome& b = done.best;
  return CheckpointBest{done.best_run, b.centroids, b.sums.inertia, b.iterations,
                        b.converged, b.distinct_rows, b.history};
}

// The state after `current`'s iteration `iteration` of restart `run` (null current: fitted).
Checkpoint checkpoint_of(const Fit& fit, const Restarts& done, int run, const RunOutcome* current) {
  Checkpoint c;
  c.fitted = current == nullptr;
  c.input_fingerprint = fit.plan->input_fingerprint;
  c.config_fingerprint = fit.plan->config_fingerprint;
  c.restart = run;
  c.restart_inertia = done.restart_inertia;
  c.init_seconds = done.init_seconds;
  c.iterate_seconds = done.iterate_seconds;
  if (current) {
    c.iteration = current->iterations;
    c.centroids = current->centroids;
    c.history = current->history;
    c.init_seconds += current->init_seconds;
    for (const IterationRecord& rec : current->history) c.iterate_seconds += rec.seconds;
  }
  if (done.have_best) c.best = best_of(done);
  return c;
}

// Rank 0 writes (agreed: a failed write stops every rank with the output error). After a
// checkpoint asked for by a signal every rank stops with the same error (exit 75).
void save_checkpoint(const Fit& fit, const Checkpoint& c) {
  const Stopwatch clock;
  mpi::agree(fit.comm, [&] {
    if (fit.comm.is_root()) write_checkpoint(fit.plan->path, c);
  });
  set_stop_checkpoint(fit.plan->path);  // from now on a prompt stop keeps it (util/stop_signal.hpp)
  fit.plan->write_seconds += clock.seconds();
  ++fit.plan->writes;
  fit.log.info("checkpoint: " + std::string(c.fitted ? "fitted" : "restart " + std::to_string(c.restart + 1) +
                                                                   ", iteration " + std::to_string(c.iteration)) +
               " written to " + fit.plan->path + " in " + std::to_string(clock.seconds()) + " s");
  if (fit.plan->stop_signal != 0)
    throw Error(ExitCode::stopped, "stopped by " + signal_name(fit.plan->stop_signal) + "; checkpoint written to " +
                                       fit.plan->path + "; rerun with --resume");
}

// After an iteration that does not end the restart: periodic, or asked for by an agreed signal.
// The previous restart converged in the iteration whose reduction carried a stop (agreed on
// every rank): stop before this restart, keeping the last checkpoint if there is one. (The
// finished restarts since that checkpoint are lost; a checkpoint cannot hold "restart not begun".)
void stop_before_restart(const Fit& fit) {
  if (!fit.plan || fit.plan->stop_signal == 0) return;
  const bool kept = fit.plan->writes > 0 || fit.plan->resume.has_value();
  throw Error(ExitCode::stopped, "stopped by " + signal_name(fit.plan->stop_signal) +
                                     (kept ? "; checkpoint " + fit.plan->path + " kept; rerun with --resume"
                                           : " before the first checkpoint (none yet); nothing was written; rerun the same command"));
}

bool checkpoint_due(const Fit& fit, int iteration) {
  if (!fit.plan) return false;
  return fit.plan->stop_signal != 0 || (fit.plan->every > 0 && iteration % fit.plan->every == 0);
}

RunOutcome run_once(const Fit& fit, int run, std::uint64_t run_seed, const Restarts& done, const Checkpoint* from) {
  RunOutcome r;
  const Stopwatch init_clock;
  if (from) {  // resume mid-restart: the saved centroids replace the initialisation
    r.centroids = from->centroids;
    r.history = from->history;
    r.iterations = from->iteration;
  } else {
    stop_before_restart(fit);
    test_hold("init");
    r.centroids = initial_centroids(fit, run_seed);
    r.init_seconds = init_clock.seconds();
    fit.log.detail("  k-means|| initialisation: " + std::to_string(r.init_seconds) + " s");
  }

  r.labels.resize(fit.source.rows());
  const Stopwatch iterate_clock;
  {
    // With checkpoints (segment) a signal during the iterations is agreed in the next reduction
    // and answered with a checkpoint; elsewhere it stops the job at once (util/stop_signal.hpp).
    std::optional<StopDeferral> agreed_stop;
    if (fit.plan) agreed_stop.emplace();
    // The step (and its per-row bounds) lives only for the iterations: it is gone before the
    // final pass allocates the distances, which keeps the peak per rank low. A resumed restart's
    // fresh step rebuilds its bounds from the saved centroids (same labels as Lloyd's).
    const std::unique_ptr<LocalStep> step = make_step(fit);
    std::vector<std::size_t> points;
    for (int it = r.iterations + 1; it <= fit.options.max_iter; ++it) {
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
      if (it < fit.options.max_iter && checkpoint_due(fit, it)) save_checkpoint(fit, checkpoint_of(fit, done, run, &r));
    }
    agreed_stop.reset();
    // Arrived after the last reduction: no rank knows of it but this one, so stop now.
    if (!fit.plan || fit.plan->stop_signal == 0) act_on_pending_stop();
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

// The finished restarts of a checkpoint; the best one's labels are recomputed at the end.
Restarts restore(const Fit& fit, const Checkpoint& c) {
  Restarts done;
  done.restart_inertia = c.restart_inertia;
  done.init_seconds = c.init_seconds;
  done.iterate_seconds = c.iterate_seconds;
  if (c.best) {
    const CheckpointBest& b = *c.best;
    done.have_best = true;
    done.best_run = b.run;
    done.best.centroids = b.centroids;
    done.best.sums = ClusterSums(b.centroids.size() / std::max<std::size_t>(1, fit.source.dims()), fit.source.dims());
    done.best.sums.inertia = b.inertia;
    done.best.iterations = b.iterations;
    done.best.converged = b.converged;
    done.best.distinct_rows = b.distinct_rows;
    done.best.history = b.history;
    done.best.restored = true;
  }
  fit.log.info("checkpoint: resuming " + std::string(c.fitted ? "after the fit" : "restart " + std::to_string(c.restart + 1) +
                                                                          " after iteration " + std::to_string(c.iteration)));
  return done;
}

// A restored best restart: its labels and distances from one pass over its saved centroids,
// which must reproduce the saved exact inertia (else the checkpoint does not fit this data).
void recompute_restored(const Fit& fit, RunOutcome& best) {
  const Int128 saved = best.sums.inertia;
  best.labels.resize(fit.source.rows());
  best.distance2.resize(fit.source.rows());
  best.sums = detail::global_lloyd_pass(fit.comm, fit.source, best.centroids, best.sums.k, fit.scales, best.labels,
                                        best.distance2);
  if (best.sums.inertia != saved)
    throw_input("checkpoint " + fit.plan->path + ": the saved best restart does not reproduce its inertia on this data");
  best.restored = false;
}

// Runs every restart and keeps the one of lowest exact inertia (ties: the earlier one), so every
// rank keeps the same restart. With a checkpoint plan it resumes where the checkpoint stopped,
// writes checkpoints when due and a "fitted" one at the end.
KMeansResult best_of_restarts(const Fit& fit) {
  const KMeansOptions& o = fit.options;
  const int runs = o.initial_centroids ? 1 : std::max(1, o.n_init);
  const Checkpoint* resume = fit.plan && fit.plan->resume ? &*fit.plan->resume : nullptr;
  Restarts done = resume ? restore(fit, *resume) : Restarts{};
  const int first = resume ? (resume->fitted ? runs : resume->restart) : 0;
  const bool degenerate_before = done.have_best && done.best.distinct_rows > 0;
  for (int run = first; run < runs && !degenerate_before; ++run) {
    const std::uint64_t run_seed = rng::bits(o.seed, rng::streams::kRestartSeed, static_cast<std::uint64_t>(run));
    if (runs > 1) fit.log.info("restart " + std::to_string(run + 1) + " of " + std::to_string(runs));
    const Checkpoint* from = resume && !resume->fitted && run == resume->restart ? resume : nullptr;
    RunOutcome r = run_once(fit, run, run_seed, done, from);
    done.init_seconds += r.init_seconds;
    done.iterate_seconds += r.iterate_seconds;
    done.restart_inertia.push_back(fit.scales.distance.to_double(r.sums.inertia));
    const bool degenerate = r.distinct_rows > 0;
    if (!done.have_best || r.sums.inertia < done.best.sums.inertia) {  // exact integers: the same choice everywhere
      done.best = std::move(r);
      done.best_run = run;
      done.have_best = true;
    }
    // One cluster per distinct row is the only partition of that data into that many clusters
    // with inertia 0: another restart could only find it again.
    if (degenerate) break;
  }
  if (fit.plan && !(resume && resume->fitted)) {
    const StopDeferral agreed_stop;  // segment agrees on a signal that arrives now after the fit
    save_checkpoint(fit, checkpoint_of(fit, done, runs, nullptr));
  }
  if (done.best.restored) recompute_restored(fit, done.best);
  KMeansResult result = result_of(std::move(done.best), fit.scales);
  result.algorithm = to_string(fit.algorithm);
  result.requested_k = o.k;
  result.best_restart = done.best_run;
  result.restart_inertia = std::move(done.restart_inertia);
  result.init_seconds = done.init_seconds;
  result.iterate_seconds = done.iterate_seconds;
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
                  log,
                  o.checkpoint};
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
  // Whether this rank was asked to stop rides along: no extra collective per iteration.
  buffer.push_back(static_cast<Int128>(stop_flag_bits(pending_stop_signal())));
  {
    timing::ScopedComm timed(timing::lloyd_allreduce(), buffer.size() * sizeof(Int128));  // bench-scaling figures
    mpi::allreduce_sum(comm, buffer);
  }
  const auto stop_flags = static_cast<long long>(buffer.back());
  buffer.pop_back();
  const auto rows_searched = static_cast<std::uint64_t>(buffer.back());
  buffer.pop_back();
  local.sums.unpack(buffer);
  return GlobalPass{std::move(local.sums), rows_searched, stop_flags};
}

}  // namespace custseg::kmeans
