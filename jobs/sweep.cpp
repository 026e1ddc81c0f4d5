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

// The table and what the sweep reads of it, once for every k.
struct SweepInput {
  data::InputTable input;
  stats::ProfileColumns profile_columns;
  data::PreparedData prepared;
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

// sweep's outputs; sweep.csv, the completion file (docs/outputs.md), first.
const std::vector<std::string> kSweepOutputs{"sweep.csv", "report.json", "segments.csv", "report.html"};

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

SweepInput read_and_prepare(const mpi::Communicator& comm, const config::SweepConfig& cfg, const Logger& log,
                            const Stopwatch& clock) {
  SweepInput in{data::open_input_table(comm, cfg.input, cfg.data.key, cfg.data.id_column), {}, {}, {}};
  if (!cfg.privacy.consent_column.empty())
    log.info("  " + data::consent_summary(data::select_consenting_rows(comm, in.input, cfg.privacy.consent_column),
                                          cfg.privacy.consent_column));
  std::vector<std::string> categorical;
  mpi::agree(comm, [&] {
    const auto features = data::select_features(cfg.data.features, in.input.table, cfg.input);
    in.profile_columns = stats::resolve_profile_columns(in.input.file, in.input.table, config::profile_request(cfg.profile),
                                                        features, cfg.data.id_column);
    categorical = stats::categorical_features(in.input.file, in.input.table, features);
  });
  for (const auto& name : categorical) log.info(stats::categorical_feature_warning(name));
  in.prepared = data::prepare_features(comm, in.input.file, in.input.table, config::prepare_options(cfg.data));
  mpi::agree(comm, [&] { data::require_usable_rows(in.prepared, static_cast<std::uint64_t>(cfg.k_values.back()), cfg.input); });
  in.sample = stats::draw_sample(comm, in.prepared.x, static_cast<std::uint64_t>(cfg.profile.silhouette_sample), cfg.seed);
  log.info("  " + std::to_string(in.prepared.rows_total) + " rows x " + std::to_string(in.prepared.x.dims) +
           " features, " + std::to_string(in.prepared.rows_dropped) + " dropped; sample of " +
           std::to_string(in.sample.size()) + " rows (" + std::to_string(clock.seconds()) + " s)");
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

// The recommended k's full profile, with the sweep attached (one summary for every report).
report::RunSummary profile_recommended(const mpi::Communicator& comm, const config::SweepConfig& cfg, const SweepInput& in,
                                       report::SweepSummary sweep, kmeans::KMeansResult best,
                                       const stats::SegmentLabels& labels, const Logger& log) {
  report::RunSummary summary;
  summary.k = best.clusters();  // the recommended k, or fewer when the data has fewer distinct rows
  summary.as_of = data::table_attribute(in.input, "as_of");  // for the churn label's caveat, as segment
  summary.churn_after = data::table_attribute(in.input, "churn_after");
  summary.rows_after_as_of = data::table_attribute(in.input, "rows_after_as_of");
  summary.kmeans = std::move(best);
  const std::vector<std::int32_t> block_labels = data::expand_to_block(in.prepared, summary.kmeans.labels, std::int32_t{-1});
  const stats::ProfileSettings settings{in.profile_columns, cfg.profile.fairness_threshold,
                                        static_cast<std::uint64_t>(cfg.profile.silhouette_sample), cfg.seed};
  summary.profiles = stats::profile_segments(comm, in.input.file, in.input.table, in.prepared, summary.kmeans.labels,
                                             block_labels, summary.k, settings, &in.sample);
  for (const auto& p : summary.profiles.features) summary.moments.push_back(p.moments);
  stats::default_label_fields(summary.profiles);
  if (!labels.empty()) {
    std::vector<std::int32_t> ids(summary.k);
    std::iota(ids.begin(), ids.end(), 0);  // a sweep's segment IDs are its k-means indices
    for (const std::int32_t id : stats::apply_segment_labels(summary.profiles, ids, labels))
      log.info("warning: --segment-labels " + cfg.profile.segment_labels + ": segment " + std::to_string(id) +
               " is not in the recommended k's segments; its label is unused");
  }
  summary.kmeans.labels.clear();
  summary.kmeans.distance2.clear();
  record_run(summary, cfg, cfg.restarts, comm.size(), in.prepared);
  summary.sweep = std::move(sweep);
  return summary;
}

void write_reports(const mpi::Communicator& comm, const fs::path& out_dir, const report::RunSummary& summary) {
  mpi::agree(comm, [&] {
    if (!comm.is_root()) return;
    try {
      report::write_file_atomically((out_dir / "segments.csv").string(), report::render_segments_csv(summary));
      report::write_file_atomically((out_dir / "report.json").string(), report::render_json_report(summary));
      report::write_file_atomically((out_dir / "report.html").string(), report::render_html_report(summary));
      // Last: a folder with sweep.csv holds the whole sweep.
      report::write_file_atomically((out_dir / "sweep.csv").string(),
                                    report::render_sweep_csv(*summary.sweep, summary.min_segment_size));
    } catch (...) {
      io::remove_unfinished_outputs(out_dir.string(), kSweepOutputs);
      throw;
    }
  });
}

void print_summary(const mpi::Communicator& comm, const Logger& log, const fs::path& out_dir,
                   const report::RunSummary& summary, double seconds) {
  if (!comm.is_root() || log.level() == Verbosity::quiet) return;
  std::printf("\n%s\n%s\n", report::render_sweep_console(*summary.sweep, summary.min_segment_size).c_str(),
              report::render_console_table(summary).c_str());
  std::printf("sweep:   %s\nreport:  %s\nsegments: %s (k = %zu)\ntotal %.2f s\n", (out_dir / "sweep.csv").c_str(),
              (out_dir / "report.html").c_str(), (out_dir / "segments.csv").c_str(), summary.k, seconds);
}

}  // namespace

int sweep(const mpi::Communicator& comm, int argc, char** argv) {
  config::SweepConfig cfg;
  bool run = false;
  mpi::agree(comm, [&] { run = config::parse_sweep_config(argc, argv, comm.rank(), cfg); });
  if (!run) return 0;
  const Logger log(comm.rank(), cfg.common.verbosity());
  const ThreadLimit threads(cfg.common.threads);
  const fs::path out_dir(cfg.output);
  const io::OutputLock lock = prepare_output_dir(comm, cfg, log);
  const CleanupPaths partials =
      partials_removed_on_stop(cfg.output, {"sweep.csv", "report.json", "segments.csv", "report.html"});
  stats::SegmentLabels labels;
  if (!cfg.profile.segment_labels.empty())
    mpi::agree(comm, [&] { labels = stats::read_segment_labels(cfg.profile.segment_labels); });
  test_hold("read");
  Stopwatch clock;
  const SweepInput in = read_and_prepare(comm, cfg, log, clock);
  std::map<std::size_t, kmeans::KMeansResult> best_of;
  report::SweepSummary sweep = sweep_all_k(comm, cfg, in, log, best_of);
  kmeans::KMeansResult best = std::move(best_of.at(sweep.recommended_k));
  best_of.clear();  // only the recommended k's labels stay in memory for its profile
  report::RunSummary summary = profile_recommended(comm, cfg, in, std::move(sweep), std::move(best), labels, log);
  summary.timings.emplace_back("sweep", clock.seconds());
  write_reports(comm, out_dir, summary);
  print_summary(comm, log, out_dir, summary, clock.seconds());
  return 0;
}

}  // namespace custseg::jobs
