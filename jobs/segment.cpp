// custseg segment: read -> transform -> k-means -> statistics -> results.h5 and reports.
#include <algorithm>
#include <cmath>
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
#include "custseg/util/threads.hpp"
#include "jobs.hpp"
#include "run_record.hpp"
#include "segment_matching.hpp"
#include "segment_run.hpp"

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

// ---- k-means ----

void fit_model(Run& r) {
  kmeans::KMeansOptions km = config::kmeans_options(r.cfg.fit, r.k, r.cfg.seed, r.cfg.n_init);
  if (!r.cfg.init_file.empty())
    mpi::agree(r.comm, [&] { km.initial_centroids = initial_centroids_from(r.cfg.init_file, r.prepared.scaling, r.k); });
  if (r.cfg.warm_start) km.initial_centroids = warm_start_centroids(r);
  Stopwatch clock;
  kmeans::KMeansResult& fit = r.summary.kmeans;
  fit = r.streamed ? kmeans::fit(r.comm, *r.streamed, km, r.prepared.mean_variance, r.log)
                   : kmeans::fit(r.comm, r.prepared.x, km, r.prepared.mean_variance, r.log);
  // Fewer distinct rows than k: the model has one segment per distinct row (driver.hpp), and
  // every later phase works with that many segments.
  r.k = fit.clusters();
  r.summary.timings.emplace_back("init", fit.init_seconds);
  r.summary.timings.emplace_back("iterations", fit.iterate_seconds);
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
  Run r(comm, cfg, log);
  prepare_output_dir(r);
  read_and_prepare(r);
  fit_model(r);
  if (!r.cfg.previous.empty()) match_to_previous(r);
  profile_segments(r);
  write_outputs(r);
  print_summary(r);
  return 0;
}

}  // namespace custseg::jobs
