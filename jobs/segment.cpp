// custseg segment: read -> transform -> k-means -> statistics -> results.h5 and reports.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <thread>
#include <filesystem>
#include <memory>
#include <optional>

#include "custseg/config/data_options.hpp"
#include "custseg/config/fit_options.hpp"
#include "custseg/config/segment_config.hpp"
#include "custseg/data/centroid_units.hpp"
#include "custseg/data/input_table.hpp"
#include "custseg/data/prepare.hpp"
#include "custseg/data/row_source.hpp"
#include "custseg/io/customer_table.hpp"
#include "custseg/io/model_file.hpp"
#include "custseg/io/output_dir.hpp"
#include "custseg/io/results_file.hpp"
#include "custseg/kmeans/checkpoint.hpp"
#include "custseg/kmeans/driver.hpp"
#include "custseg/data/row_source.hpp"
#include "custseg/mpi/collective_guard.hpp"
#include "custseg/report/html_report.hpp"
#include "custseg/report/text_reports.hpp"
#include "custseg/stats/segment_profiles.hpp"
#include "custseg/stats/streaming_quality.hpp"
#include "custseg/util/error.hpp"
#include "custseg/util/log.hpp"
#include "custseg/util/phase_timer.hpp"
#include "custseg/util/stop_signal.hpp"
#include "custseg/util/threads.hpp"
#include "jobs.hpp"
#include "run_record.hpp"
#include "segment_matching.hpp"
#include "segment_run.hpp"
#include "stop_cleanup.hpp"

namespace custseg::jobs {

namespace {

// Centroids of a previous run, moved into this run's k-means space (its scaling may differ).
std::vector<double> initial_centroids_from(const std::string& path, const data::FeatureScaling& scaling, std::size_t k) {
  const io::Model model = io::read_model(path);  // refuses what is not a (readable) custseg model
  if (model.k != k)
    throw_usage("--init " + path + " has " + std::to_string(model.k) + " centroids but --k is " + std::to_string(k));
  if (model.scaling.names != scaling.names)
    throw_usage("--init " + path + " was fitted on different features than this run");
  return data::centroids_to_scaled_units(scaling, model.centroids);
}

// ---- checkpoints (docs/checkpoint-resume.md) ----

// Every option that changes the fit's result, as text: a checkpoint of other settings is refused.
// Not here: --algorithm, --threads, --memory-limit (identical results), the report options.
std::uint64_t config_fingerprint(const config::SegmentConfig& c, const kmeans::KMeansOptions& km) {
  std::string text;
  char num[64];
  const auto add = [&](const std::string& name, const std::string& value) { text += name + "=" + value + "\n"; };
  const auto add_double = [&](const std::string& name, double v) {
    std::snprintf(num, sizeof num, "%a", v);  // exact
    add(name, num);
  };
  add("k", std::to_string(km.k));
  add("seed", std::to_string(km.seed));
  add("n-init", std::to_string(km.n_init));
  add("max-iter", std::to_string(km.max_iter));
  add_double("tol", km.tol);
  add("init-rounds", std::to_string(km.init_rounds));
  add_double("oversampling", km.oversampling);
  add("fewer-distinct", kmeans::to_string(km.fewer_distinct));
  add("features", c.data.features);
  add("transform", c.data.transform);
  add("standardize", c.data.standardize ? "true" : "false");
  add("nan-policy", config::to_string(c.data.nan_policy));
  add("id-column", c.data.id_column);
  add("key", c.data.key);
  add("precision", data::to_string(c.data.precision));
  // Which customers are fitted (absent without the option: fingerprints of earlier checkpoints hold).
  if (!c.privacy.consent_column.empty()) add("consent-column", c.privacy.consent_column);
  if (km.initial_centroids)
    for (double v : *km.initial_centroids) add_double("init", v);
  return kmeans::fnv1a64(text);
}

// The checkpoint plan of this run; with --resume, the checkpoint read on every rank and checked
// against this run's input and options.
void plan_checkpoints(Run& r, kmeans::KMeansOptions& km, kmeans::CheckpointPlan& plan) {
  plan.path = r.path("checkpoint.h5");
  plan.every = r.cfg.checkpoint_every;
  plan.input_fingerprint = fingerprint(r.prepared);
  plan.config_fingerprint = config_fingerprint(r.cfg, km);
  km.checkpoint = &plan;
  if (!r.cfg.resume) return;
  const Stopwatch clock;
  mpi::agree(r.comm, [&] {
    kmeans::Checkpoint c = kmeans::read_checkpoint(plan.path);
    if (c.input_fingerprint != plan.input_fingerprint)
      throw_usage("--resume: checkpoint " + plan.path + " is of another input (fingerprint " + c.input_fingerprint +
                  ", this input " + plan.input_fingerprint + "); rerun without --resume and with --overwrite to start over");
    if (c.config_fingerprint != plan.config_fingerprint)
      throw_usage("--resume: checkpoint " + plan.path + " was written with other options (k, seed, restarts, "
                  "iterations, tolerance, features, transforms, precision, --init or NaN policy differ); "
                  "resume with the same options, or rerun without --resume and with --overwrite");
    plan.resume = std::move(c);
  });
  r.summary.timings.emplace_back("checkpoint_restore", clock.seconds());
  r.log.info("checkpoint: read " + plan.path + " in " + std::to_string(clock.seconds()) + " s");
}

// A stop asked for after the last iteration's reduction (during the final pass or the
// statistics): agreed here, at a phase boundary; the fitted checkpoint is already written.
void stop_if_signalled(const Run& r, const kmeans::CheckpointPlan& plan) {
  // For tests only: CUSTSEG_TEST_PHASE_DELAY_MS holds every rank here that long, so that a test
  // can signal a run between the fit and the outputs (docs/checkpoint-resume.md).
  if (const char* delay = std::getenv("CUSTSEG_TEST_PHASE_DELAY_MS"))
    std::this_thread::sleep_for(std::chrono::milliseconds(std::strtol(delay, nullptr, 10)));
  const int signal = signal_of_flag_sum(r.comm.sum(static_cast<std::int64_t>(stop_flag_bits(pending_stop_signal()))));
  if (signal != 0)
    throw Error(ExitCode::stopped, "stopped by " + signal_name(signal) + "; checkpoint written to " + plan.path +
                                       "; rerun with --resume");
}

// The outputs are complete: the checkpoint has served its purpose.
void remove_checkpoint(const Run& r, const kmeans::CheckpointPlan& plan) {
  mpi::agree(r.comm, [&] {
    if (!r.comm.is_root()) return;
    std::error_code ec;
    fs::remove(plan.path, ec);
    if (ec) throw_output("cannot remove " + plan.path + " after the outputs were written: " + ec.message());
  });
}

// ---- k-means ----

void fit_model(Run& r, kmeans::CheckpointPlan& plan) {
  kmeans::KMeansOptions km = config::kmeans_options(r.cfg.fit, r.k, r.cfg.seed, r.cfg.n_init);
  if (!r.cfg.init_file.empty())
    mpi::agree(r.comm, [&] { km.initial_centroids = initial_centroids_from(r.cfg.init_file, r.prepared.scaling, r.k); });
  if (r.cfg.warm_start) km.initial_centroids = warm_start_centroids(r);
  plan_checkpoints(r, km, plan);  // after the initial centroids: they are part of the fingerprint
  Stopwatch clock;
  kmeans::KMeansResult& fit = r.summary.kmeans;
  fit = r.streamed ? kmeans::fit(r.comm, *r.streamed, km, r.prepared.mean_variance, r.log)
                   : kmeans::fit(r.comm, r.prepared.x, km, r.prepared.mean_variance, r.log);
  // Fewer distinct rows than k: the model has one segment per distinct row (driver.hpp), and
  // every later phase works with that many segments.
  r.k = fit.clusters();
  r.summary.timings.emplace_back("init", fit.init_seconds);
  r.summary.timings.emplace_back("iterations", fit.iterate_seconds);
  r.summary.timings.emplace_back("checkpoint_write", plan.write_seconds);
  r.log.info("k-means: " + std::to_string(fit.iterations) + " iterations, inertia " + std::to_string(fit.inertia) +
             (fit.converged ? ", converged" : ", NOT converged") + " (" + std::to_string(clock.seconds()) + " s)");
}

}  // namespace

int segment(const mpi::Communicator& comm, int argc, char** argv) {
  config::SegmentConfig cfg;
  bool run = false;
  mpi::agree(comm, [&] { run = config::parse_segment_config(argc, argv, comm.rank(), cfg); });
  if (!run) return 0;
  const Logger log(comm.rank(), cfg.common.verbosity());
  const ThreadLimit threads(cfg.common.threads);
  // A stop before the first checkpoint leaves nothing to resume (docs/checkpoint-resume.md).
  set_stop_message(" before the first checkpoint (none yet); nothing was written; rerun the same command");
  Run r(comm, cfg, log);
  load_pseudonymizer(r);
  load_segment_labels(r);
  prepare_output_dir(r);
  const CleanupPaths partials = partials_removed_on_stop(cfg.output, kResultSet);
  if (cfg.resume) set_stop_checkpoint(r.path("checkpoint.h5"));  // prepare_output_dir checked it exists
  read_and_prepare(r);
  check_lifetime_value_input(r);  // minutes before the fit would reach the CLV columns
  check_output_space(r);  // the rows are known: a results.h5 that cannot fit fails now, not after the fit
  if (!r.cfg.previous.empty()) read_previous_model(r);  // before the fit: a bad --previous fails in seconds
  kmeans::CheckpointPlan plan;
  fit_model(r, plan);
  stop_if_signalled(r, plan);
  if (!r.cfg.previous.empty()) match_to_previous(r);
  test_hold("statistics");
  profile_segments(r);
  label_segments(r, r.previous ? &*r.previous : nullptr, false);
  fit_lifetime_value(r);
  stop_if_signalled(r, plan);
  write_outputs(r);  // ignores stops from its final rename on
  remove_checkpoint(r, plan);
  print_summary(r);
  return 0;
}

}  // namespace custseg::jobs
