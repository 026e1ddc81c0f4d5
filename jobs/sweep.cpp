// custseg sweep: one job over a range of k. The data is read and prepared once; for every k the
// restarts run from independent seeds, the best (lowest exact inertia) is kept, and the metrics,
// the stability across restarts and a recommended k are reported. The recommended k's segments get
// the full profile, so the sweep's report.html both chooses k and describes the chosen segments.
#include <algorithm>
#include <filesystem>
#include <limits>
#include <map>
#include <numeric>

#include "custseg/config/data_options.hpp"
#include "custseg/config/fit_options.hpp"
#include "custseg/config/sweep_config.hpp"
#include "custseg/data/input_table.hpp"
#include "custseg/data/prepare.hpp"
#include "custseg/io/customer_table.hpp"
#include "custseg/io/output_dir.hpp"
#include "stop_cleanup.hpp"
#include "custseg/kmeans/driver.hpp"
#include "custseg/mpi/collective_guard.hpp"
#include "custseg/report/html_report.hpp"
#include "custseg/report/sweep_reports.hpp"
#include "custseg/report/text_reports.hpp"
#include "custseg/stats/segment_labels.hpp"
#include "custseg/stats/cluster_quality.hpp"
#include "custseg/stats/k_selection.hpp"
#include "custseg/stats/row_sample.hpp"
#include "custseg/stats/segment_profiles.hpp"
#include "custseg/util/error.hpp"
#include "custseg/util/log.hpp"
#include "custseg/util/rng.hpp"
#include "custseg/util/rng_streams.hpp"
#include "custseg/util/threads.hpp"
#include "jobs.hpp"
#include "run_record.hpp"
#include "segment_run.hpp"

namespace custseg::jobs {

namespace {

namespace fs = std::filesystem;

double mean_pairwise_ari(const std::vector<std::vector<std::int32_t>>& labelings) {
  if (labelings.size() < 2 || labelings[0].empty()) return std::numeric_limits<double>::quiet_NaN();
  double total = 0.0;
  int pairs = 0;
  for (std::size_t a = 0; a < labelings.size(); ++a)
    for (std::size_t b = a + 1; b < labelings.size(); ++b, ++pairs) total += stats::adjusted_rand_index(labelings[a], labelings[b]);
  return total / pairs;
}

// The features (read once into the Run, see sweep()) and the sample every k is measured on.
struct SweepInput {
  const data::PreparedData& prepared;
  stats::RowSample sample;  // for the silhouette and the stability
};

// The best restart of one k and what the sweep reports about it.
struct KOutcome {
  stats::SweepPoint point;
  kmeans::KMeansResult best;  // labels kept until the recommendation is known
};

// Independent restarts, the same seed on every rank: restart r of k draws from the stream of k.
std::uint64_t restart_seed(std::uint64_t seed, std::size_t k, int restart) {
  return rng::bits(seed, rng::streams::kSweepRestartFirst + k, static_cast<std::uint64_t>(restart));
}

KOutcome sweep_one_k(const mpi::Communicator& comm, const config::SweepConfig& cfg, const SweepInput& in, std::size_t k,
                     const Logger& quiet) {
  KOutcome out;
  std::vector<std::vector<std::int32_t>> sample_labels;
  for (int r = 0; r < cfg.restarts; ++r) {
    const kmeans::KMeansOptions km = config::kmeans_options(cfg.fit, k, restart_seed(cfg.seed, k, r), 1);
    kmeans::KMeansResult fit = kmeans::fit(comm, in.prepared.x, km, in.prepared.mean_variance, quiet);
    out.point.restart_inertia.push_back(fit.inertia);
    if (in.sample.size() > 0) sample_labels.push_back(stats::gather_sample_labels(comm, in.sample, fit.labels));
    // Inertia is the same double on every rank, so every rank keeps the same restart.
    if (r == 0 || fit.inertia < out.best.inertia) out.best = std::move(fit);
  }
  out.point.k = k;
  out.point.inertia = out.best.inertia;
  out.point.iterations = out.best.iterations;
  out.point.converged = out.best.converged;
  // With fewer distinct rows than k the fit has fewer clusters (driver.hpp): measure those.
  const std::size_t clusters = out.best.clusters();
  out.point.quality = stats::cluster_quality(comm, in.prepared.x, out.best.labels, clusters);
  if (in.sample.size() > 0) {
    const auto best_sample = stats::gather_sample_labels(comm, in.sample, out.best.labels);
    out.point.quality.silhouette = stats::silhouette(in.sample.values, in.sample.dims, best_sample, clusters);
    out.point.quality.silhouette_sample = in.sample.size();
  }
  out.point.stability = mean_pairwise_ari(sample_labels);
  out.point.smallest_segment = *std::min_element(out.best.counts.begin(), out.best.counts.end());
  return out;
}

// sweep's outputs: the recommended k's result set (results.h5 and its reports, as segment writes
// them) and sweep.csv, written last: the completion file (docs/outputs.md), listed first.
const std::vector<std::string> kSweepOutputs{"sweep.csv",    "results.h5",  "report.json",
                                             "segments.csv", "report.html", "assignments.csv"};

// The recommended k is written as `segment` writes a run, so the Run of segment_run.hpp carries
// the table, the features and the ids: the segment options a sweep implies.
config::SegmentConfig segment_config_for(const config::SweepConfig& cfg) {
  config::SegmentConfig c;
  c.common = cfg.common;
  c.privacy = cfg.privacy;
  c.input = cfg.input;
  c.output = cfg.output;
  c.k = cfg.k_values.back();  // every k must have enough usable rows
  c.seed = cfg.seed;
  c.data = cfg.data;
  c.n_init = cfg.restarts;
  c.fit = cfg.fit;
  c.profile = cfg.profile;
  return c;
}

// Rank 0 takes the folder's lock (returned: held until the job ends); with --overwrite the old
// outputs go first, sweep.csv before its reports.
io::OutputLock prepare_output_dir(const mpi::Communicator& comm, const config::SweepConfig& cfg, const Logger& log) {
  io::OutputLock lock;
  mpi::agree(comm, [&] {
    if (!comm.is_root()) return;
    io::refuse_outputs_over_inputs(io::files_in_dir(cfg.output, kSweepOutputs),
                                   {{cfg.input, "--input"}, {cfg.common.config_file, "--config"}});
    lock = io::lock_output_dir(cfg.output, "sweep");
    io::prepare_output_dir(cfg.output, kSweepOutputs, cfg.common.overwrite);
    if (cfg.common.overwrite) io::remove_old_outputs(cfg.output, kSweepOutputs);
  });
  log.info("sweep: " + cfg.input + " -> " + cfg.output + " (k=" + cfg.k_range + ", " + std::to_string(cfg.restarts) +
           " restarts each, seed " + std::to_string(cfg.seed) + ", " + std::to_string(comm.size()) + " ranks)");
  return lock;
}

// Reads and prepares the table as segment does (Run), then draws the sample every k shares.
SweepInput prepare_sweep(Run& r, const config::SweepConfig& cfg, const Stopwatch& clock) {
  read_and_prepare(r);
  SweepInput in{r.prepared, stats::draw_sample(r.comm, r.prepared.x, static_cast<std::uint64_t>(cfg.profile.silhouette_sample),
                                               cfg.seed)};
  r.log.info("  sample of " + std::to_string(in.sample.size()) + " rows (" + std::to_string(clock.seconds()) + " s)");
  return in;
}

void log_k(const Logger& log, const stats::SweepPoint& p, double seconds) {
  char line[200];
  std::snprintf(line, sizeof line, "  k=%-3zu inertia %.6g  CH %.6g  DB %.4f  silhouette %.4f  stability %.4f  (%.2f s)",
                p.k, p.inertia, p.quality.calinski_harabasz, p.quality.davies_bouldin, p.quality.silhouette, p.stability,
                seconds);
  log.info(line);
}

// Every k, then the recommendation; the best fit of each k is kept in `best_of` until the
// recommended one is known.
report::SweepSummary sweep_all_k(const mpi::Communicator& comm, const config::SweepConfig& cfg, const SweepInput& in,
                                 const Logger& log, std::map<std::size_t, kmeans::KMeansResult>& best_of) {
  // k-means prints every iteration; a sweep prints one line per k unless --verbose.
  const Logger fit_log(comm.rank(), cfg.common.verbose ? Verbosity::normal : Verbosity::quiet);
  report::SweepSummary sweep;
  sweep.restarts = cfg.restarts;
  sweep.min_stability = cfg.min_stability;
  sweep.sample_size = in.sample.size();
  for (const std::int64_t k_value : cfg.k_values) {
    const auto k = static_cast<std::size_t>(k_value);
    Stopwatch k_clock;
    KOutcome o = sweep_one_k(comm, cfg, in, k, fit_log);
    log_k(log, o.point, k_clock.seconds());
    sweep.points.push_back(o.point);
    best_of.emplace(k, std::move(o.best));
  }
  const stats::KChoice choice = stats::recommend_k(sweep.points, cfg.min_stability, cfg.profile.min_segment_size);
  sweep.recommended_k = choice.k;
  sweep.recommended_from_candidates = choice.from_candidates;
  sweep.rule = stats::recommendation_rule(cfg.min_stability, cfg.profile.min_segment_size);
  return sweep;
}

// sweep.csv, after the result set: a folder with sweep.csv holds the whole sweep.
void write_sweep_csv(const Run& r) {
  mpi::agree(r.comm, [&] {
    if (!r.comm.is_root()) return;
    try {
      report::write_file_atomically(r.path("sweep.csv"), report::render_sweep_csv(*r.summary.sweep, r.summary.min_segment_size));
    } catch (...) {
      io::remove_unfinished_outputs(r.cfg.output, kSweepOutputs);
      throw;
    }
  });
}

void print_sweep_summary(const Run& r, double seconds) {
  if (!r.comm.is_root() || r.log.level() == Verbosity::quiet) return;
  std::printf("\n%s\n%s\n", report::render_sweep_console(*r.summary.sweep, r.summary.min_segment_size).c_str(),
              report::render_console_table(r.summary).c_str());
  std::printf("sweep:    %s\nresults:  %s (the recommended k = %zu; a model for score)\nsegments: %s\n", r.path("sweep.csv").c_str(),
              r.path("results.h5").c_str(), r.summary.k, r.path("segments.csv").c_str());
  if (fs::exists(r.path("assignments.csv"))) std::printf("per customer: %s\n", r.path("assignments.csv").c_str());
  std::printf("report:   %s\ntotal %.2f s\n", r.path("report.html").c_str(), seconds);
}

}  // namespace

int sweep(const mpi::Communicator& comm, int argc, char** argv) {
  config::SweepConfig cfg;
  bool run = false;
  mpi::agree(comm, [&] { run = config::parse_sweep_config(argc, argv, comm.rank(), cfg); });
  if (!run) return 0;
  const Logger log(comm.rank(), cfg.common.verbosity());
  const ThreadLimit threads(cfg.common.threads);
  const config::SegmentConfig as_segment = segment_config_for(cfg);
  Run r(comm, as_segment, log);
  r.job = "sweep";
  load_segment_labels(r);
  r.lock = prepare_output_dir(comm, cfg, log);
  const CleanupPaths partials = partials_removed_on_stop(cfg.output, kSweepOutputs);
  test_hold("read");
  Stopwatch clock;
  const SweepInput in = prepare_sweep(r, cfg, clock);
  std::map<std::size_t, kmeans::KMeansResult> best_of;
  report::SweepSummary sweep;
  r.timed("sweep", [&] { sweep = sweep_all_k(comm, cfg, in, log, best_of); });
  r.summary.kmeans = std::move(best_of.at(sweep.recommended_k));
  best_of.clear();  // only the recommended k's labels stay in memory for its profile
  r.k = r.summary.kmeans.clusters();  // the recommended k, or fewer when the data has fewer distinct rows
  r.summary.sweep = std::move(sweep);
  profile_segments(r);
  if (!r.labels.empty())  // the file's IDs were written for some run; say which k they now name
    log.info("note: --segment-labels " + cfg.profile.segment_labels + " names the segments of the recommended k = " +
             std::to_string(r.k) + "; check that its IDs mean the segments you wrote them for");
  label_segments(r, nullptr, false);
  write_outputs(r);
  write_sweep_csv(r);
  print_sweep_summary(r, clock.seconds());
  return 0;
}

}  // namespace custseg::jobs
