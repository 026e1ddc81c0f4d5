// custseg score: read a model (results.h5) -> read the table and apply the model's transforms and
// scaling -> assign every row to its nearest centroid (k-means' own final pass) -> statistics of
// the scored customers -> results.h5 (still a model: /model is the model's) and reports.
#include <algorithm>
#include <cstdio>
#include <string>

#include "custseg/config/choices.hpp"
#include "custseg/config/score_config.hpp"
#include "custseg/config/segment_config.hpp"
#include "custseg/io/hdf5.hpp"
#include "custseg/io/model_file.hpp"
#include "custseg/io/output_dir.hpp"
#include "stop_cleanup.hpp"
#include "custseg/kmeans/assign_to_centroids.hpp"
#include "custseg/mpi/collective_guard.hpp"
#include "custseg/util/log.hpp"
#include "custseg/util/phase_timer.hpp"
#include "custseg/util/threads.hpp"
#include "jobs.hpp"
#include "segment_run.hpp"

namespace custseg::jobs {

namespace {

// The shared phases read a SegmentConfig: the score options plus what the model fixes (k, seed,
// NaN policy, precision, and the id column unless --id-column names another).
config::SegmentConfig segment_config_for(const config::ScoreConfig& sc, const io::Model& model) {
  config::SegmentConfig c;
  c.common = sc.common;
  c.input = sc.input;
  c.output = sc.output;
  c.k = static_cast<std::int64_t>(model.k);
  c.seed = model.seed;
  c.data.key = sc.key;
  c.data.id_column = sc.id_column.empty() ? model.id_column : sc.id_column;
  c.data.nan_policy = model.nan_policy;
  c.data.precision = model.precision;
  c.allow_duplicate_ids = sc.allow_duplicate_ids;
  c.privacy = sc.privacy;
  c.n_init = 1;
  c.memory_limit = sc.memory_limit;
  c.memory_limit_bytes = sc.memory_limit_bytes;
  c.profile = sc.profile;
  c.exports = sc.exports;
  return c;
}

// The scored result's /model is the model's own (a scored result is still a model); the data
// figures (rows, inertia, statistics, fingerprint) are the scored table's.
void copy_model_provenance(report::RunSummary& s, const io::Model& model, const std::string& model_path) {
  s.seed = model.seed;
  s.nan_policy = config::to_string(model.nan_policy);
  s.kmeans.algorithm = model.algorithm.empty() ? "lloyd" : model.algorithm;
  s.kmeans.iterations = static_cast<int>(model.iterations);
  s.kmeans.converged = model.converged;
  // input_path, input_key and id_column stay the scored table's: /assignments aligns with it.
  s.segment_ids = model.segment_ids;  // write_assignments maps k-means indices to these
  s.next_segment_id = model.next_segment_id;
  s.config_text = model.config;
  s.scored_with_model = model_path;
  s.n_init = 1;
}

void assign(Run& r, const io::Model& model) {
  r.timed("assign", [&] {
    r.summary.kmeans = r.streamed ? kmeans::assign_to_centroids(r.comm, *r.streamed, model.centroids_scaled, model.k)
                                  : kmeans::assign_to_centroids(r.comm, r.prepared.x, model.centroids_scaled, model.k);
  });
  std::string counts;
  for (auto n : r.summary.kmeans.counts) counts += (counts.empty() ? "" : " ") + std::to_string(n);
  r.log.info("  segment sizes: " + counts);
}

// Rows per second of wall time so far and the share of it spent in HDF5 reads (rank 0's).
void record_throughput(Run& r, double wall_seconds) {
  const double read = io::transfer_stats().read_seconds;
  report::RunSummary::Throughput t;
  t.rows_per_second = wall_seconds > 0 ? static_cast<double>(r.prepared.rows_total) / wall_seconds : 0.0;
  t.read_share = wall_seconds > 0 ? std::min(1.0, read / wall_seconds) : 0.0;
  r.summary.throughput = t;
  char line[160];
  std::snprintf(line, sizeof line, "score: %.0f rows/s, %.1f%% of %.3f s reading", t.rows_per_second,
                100.0 * t.read_share, wall_seconds);
  r.log.info(line);
}

}  // namespace

int score(const mpi::Communicator& comm, int argc, char** argv) {
  config::ScoreConfig sc;
  bool run = false;
  mpi::agree(comm, [&] { run = config::parse_score_config(argc, argv, comm.rank(), sc); });
  if (!run) return 0;
  const Logger log(comm.rank(), sc.common.verbosity());
  const ThreadLimit threads(sc.common.threads);
  const Stopwatch wall;
  io::Model model;
  mpi::agree(comm, [&] { model = io::read_model(sc.model); });
  log.info("model: " + sc.model + " (format " + model.format_version + (model.legacy ? ", written before versioning" : "") +
           ", k=" + std::to_string(model.k) + ", " + std::to_string(model.d) + " features, " +
           data::to_string(model.precision) + ")");
  const config::SegmentConfig cfg = segment_config_for(sc, model);
  Run r(comm, cfg, log);
  load_pseudonymizer(r);
  load_segment_labels(r);
  r.job = "score";
  r.fixed_scaling = &model.scaling;
  r.on_recorded = [&](report::RunSummary& s) {
    copy_model_provenance(s, model, sc.model);
    // The rows scored are this run's: its consent column, not the fit's (compare reads it back).
    s.config_text = config::with_consent_column(s.config_text, sc.privacy.consent_column);
  };
  r.more_inputs = io::run_files(sc.model, "--model");
  prepare_output_dir(r);
  const CleanupPaths partials = partials_removed_on_stop(cfg.output, kResultSet);
  read_and_prepare(r);
  assign(r, model);
  profile_segments(r);
  label_segments(r, &model, true);  // the model's segments: its names carry over with their IDs
  record_throughput(r, wall.seconds());
  write_outputs(r);
  print_summary(r);
  return 0;
}

}  // namespace custseg::jobs
