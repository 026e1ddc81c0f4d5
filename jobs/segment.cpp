// custseg segment: read -> transform -> k-means -> statistics -> results.h5 and reports.
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <memory>
#include <optional>

#include "custseg/config/segment_config.hpp"
#include "custseg/data/centroid_units.hpp"
#include "custseg/data/input_table.hpp"
#include "custseg/data/prepare.hpp"
#include "custseg/data/row_source.hpp"
#include "custseg/io/customer_table.hpp"
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

namespace custseg::jobs {

namespace {

namespace fs = std::filesystem;

// Centroids of a previous run, moved into this run's k-means space (its scaling may differ).
std::vector<double> initial_centroids_from(const std::string& path, const data::FeatureScaling& scaling, std::size_t k) {
  const io::StoredCentroids stored = io::read_stored_centroids(path);
  const std::size_t d = scaling.names.size();
  if (stored.k != k)
    throw_usage("--init " + path + " has " + std::to_string(stored.k) + " centroids but --k is " + std::to_string(k));
  if (!stored.feature_names.empty() && stored.feature_names != scaling.names)
    throw_usage("--init " + path + " was fitted on different features than this run");
  if (stored.centroids.size() != k * d) throw_input("--init " + path + ": centroid matrix has the wrong shape");
  return data::centroids_to_scaled_units(scaling, stored.centroids);
}

}  // namespace

int segment(const mpi::Communicator& comm, int argc, char** argv) {
  config::SegmentConfig cfg;
  bool run = false;
  mpi::agree(comm, [&] { run = config::parse_segment_config(argc, argv, comm.rank(), cfg); });
  if (!run) return 0;
  const Logger log(comm.rank(), cfg.common.verbosity());
  const ThreadLimit threads(cfg.common.threads);
  report::RunSummary summary;
  auto timed = [&](const std::string& phase, auto&& work) {
    Stopwatch clock;
    work();
    summary.timings.emplace_back(phase, clock.seconds());
    log.info(phase + ": " + std::to_string(summary.timings.back().second) + " s");
  };

  const fs::path out_dir(cfg.output);
  const std::string results_path = (out_dir / "results.h5").string();
  mpi::agree(comm, [&] {
    if (comm.is_root()) io::prepare_output_dir(cfg.output, {"results.h5", "report.json", "segments.csv", "report.html"}, cfg.common.overwrite);
  });
  log.info("segment: " + cfg.input + " -> " + cfg.output + " (k=" + std::to_string(cfg.k) + ", seed " +
           std::to_string(cfg.seed) + ", " + std::to_string(comm.size()) + " ranks x " +
           std::to_string(cfg.common.threads) + " threads)");

  // --- read, validate, transform, standardize ---
  std::optional<data::InputTable> input;
  data::PreparedData prepared;
  std::unique_ptr<data::Hdf5ChunkedRows> streamed;  // set when --memory-limit makes the features stream
  std::vector<std::uint64_t> ids;
  stats::ProfileColumns profile_columns;  // KPI and protected columns (never features)
  timed("read+prepare", [&] {
    input.emplace(data::open_input_table(comm, cfg.input));
    const io::TableInfo& table = input->table;
    std::size_t dims = 0;
    mpi::agree(comm, [&] {
      if (std::find(table.columns.begin(), table.columns.end(), cfg.data.id_column) == table.columns.end())
        throw_input("id column '" + cfg.data.id_column + "' not found in " + cfg.input + " (set --id-column)");
      const std::vector<std::string> features = data::select_features(cfg.data.features, table, cfg.input);
      dims = features.size();
      profile_columns = stats::resolve_profile_columns(input->file, table, cfg.profile.kpi, cfg.profile.protected_columns,
                                                       features, cfg.data.id_column);
    });
    data::PrepareOptions options{cfg.data.features, cfg.data.transform, cfg.data.standardize,
                                 data::parse_nan_policy(cfg.data.nan_policy)};
    options.precision = cfg.precision == "float64" ? data::Precision::float64 : data::Precision::float32;
    // Data larger than memory (--memory-limit): the features stream from the file in chunks.
    std::uint64_t chunk_rows = 0;
    mpi::agree(comm, [&] {
      chunk_rows = data::streaming_chunk_rows(cfg.memory_limit_bytes, table.rows, comm.size(), dims, options.precision);
    });
    if (chunk_rows > 0) {
      const std::uint64_t largest_block = io::block_for_rank(table.rows, 0, comm.size()).count;
      log.info("  --memory-limit " + cfg.memory_limit + ": features stream from the input, " + std::to_string(chunk_rows) +
               " rows per chunk, " + std::to_string(io::chunk_count(largest_block, chunk_rows)) + " chunks per pass");
      streamed = data::prepare_streaming(comm, input->file, table, options, chunk_rows, prepared, log);
    } else {
      prepared = data::prepare_features(comm, input->file, table, options);
    }
    mpi::agree(comm, [&] {
      ids.resize(prepared.block.count);
      input->file.read_rows<std::uint64_t>(io::column_path(cfg.data.id_column), prepared.block, ids);
    });
  });
  const double read_io_seconds = io::transfer_stats().read_seconds;  // splits read+prepare (timing detail)
  const std::uint64_t assigned = prepared.rows_total - prepared.rows_dropped;
  log.info("  " + std::to_string(prepared.rows_total) + " rows x " + std::to_string(prepared.x.dims) +
           " features, " + std::to_string(prepared.rows_dropped) + " dropped (NaN/Inf)");
  mpi::agree(comm, [&] {
    if (static_cast<std::uint64_t>(cfg.k) > assigned)
      throw_input("k = " + std::to_string(cfg.k) + " exceeds the number of usable rows (" + std::to_string(assigned) + ")");
  });

  // --- k-means ---
  kmeans::KMeansOptions km;
  km.k = static_cast<std::size_t>(cfg.k);
  km.seed = cfg.seed;
  km.max_iter = cfg.fit.max_iter;
  km.tol = cfg.fit.tol;
  km.n_init = cfg.n_init;
  km.init_rounds = cfg.fit.init_rounds;
  km.oversampling = cfg.fit.oversampling;
  km.algorithm = kmeans::parse_algorithm(cfg.algorithm);
  if (!cfg.init_file.empty())
    mpi::agree(comm, [&] { km.initial_centroids = initial_centroids_from(cfg.init_file, prepared.scaling, km.k); });
  Stopwatch kmeans_clock;
  summary.kmeans = streamed ? kmeans::fit(comm, *streamed, km, prepared.mean_variance, log)
                            : kmeans::fit(comm, prepared.x, km, prepared.mean_variance, log);
  summary.timings.emplace_back("init", summary.kmeans.init_seconds);
  summary.timings.emplace_back("iterations", summary.kmeans.iterate_seconds);
  log.info("k-means: " + std::to_string(summary.kmeans.iterations) + " iterations, inertia " +
           std::to_string(summary.kmeans.inertia) + (summary.kmeans.converged ? ", converged" : ", NOT converged") +
           " (" + std::to_string(kmeans_clock.seconds()) + " s)");

  // --- per-segment statistics in original units (columns re-read one at a time) ---
  const std::vector<std::int32_t> labels = data::expand_to_block(prepared, summary.kmeans.labels, std::int32_t{-1});
  timed("statistics", [&] {
    const stats::ProfileSettings settings{profile_columns, cfg.profile.fairness_threshold,
                                          static_cast<std::uint64_t>(cfg.profile.silhouette_sample), cfg.seed};
    if (streamed) {
      // --memory-limit: the features are not in memory. The quality metrics and the silhouette
      // sample come from chunked passes (stats/streaming_quality.hpp); the profiles see no rows.
      stats::RowSample sample;
      if (settings.silhouette_sample > 0)
        sample = stats::draw_sample(comm, *streamed, settings.silhouette_sample, settings.seed);
      data::PreparedData columns_only = prepared;
      columns_only.x.rows = 0;
      summary.profiles = stats::profile_segments(comm, input->file, columns_only, summary.kmeans.labels, labels, km.k,
                                                 settings, &sample);
      const stats::ClusterQuality from_sample = summary.profiles.quality;
      summary.profiles.quality = stats::cluster_quality(comm, *streamed, summary.kmeans.labels, km.k);
      summary.profiles.quality.silhouette = from_sample.silhouette;
      summary.profiles.quality.silhouette_sample = from_sample.silhouette_sample;
    } else {
      summary.profiles = stats::profile_segments(comm, input->file, prepared, summary.kmeans.labels, labels, km.k, settings);
    }
    for (const auto& p : summary.profiles.features) summary.moments.push_back(p.moments);
  });

  // --- outputs ---
  summary.k = km.k;
  summary.init_file = cfg.init_file;
  record_run(summary, cfg, cfg.n_init, comm.size(), prepared);

  timed("write", [&] {
    std::vector<float> distance(summary.kmeans.distance2.size());
    std::transform(summary.kmeans.distance2.begin(), summary.kmeans.distance2.end(), distance.begin(),
                   [](double d2) { return static_cast<float>(std::sqrt(d2)); });
    const std::vector<float> block_distance = data::expand_to_block(prepared, distance, std::nanf(""));
    const std::string partial = results_path + ".partial";
    mpi::agree(comm, [&] {
      io::write_assignments(comm, partial, prepared.rows_total, prepared.block, ids, labels, block_distance);
    });
    summary.kmeans.labels.clear();
    summary.kmeans.distance2.clear();
    mpi::agree(comm, [&] {
      if (!comm.is_root()) return;
      io::write_model_and_segments(partial, summary);
      fs::rename(partial, results_path);
      report::write_file_atomically((out_dir / "segments.csv").string(), report::render_segments_csv(summary));
      report::write_file_atomically((out_dir / "report.json").string(), report::render_json_report(summary));
      report::write_file_atomically((out_dir / "report.html").string(), report::render_html_report(summary));
    });
  });

  // Per-rank phase times, imbalance, allreduce and HDF5 figures, gathered to rank 0 (one
  // MPI_Gather: every rank must reach it) into report.json's "timing_detail".
  timing::append_timing_detail(comm, {summary.timings, read_io_seconds, prepared.x.rows},
                               (out_dir / "report.json").string(), log);

  if (comm.is_root() && log.level() != Verbosity::quiet) {
    std::printf("\n%s\n", report::render_console_table(summary).c_str());
    std::printf("results: %s\nreport:  %s\nsegments: %s\npeak memory (rank 0): %s\n", results_path.c_str(),
                (out_dir / "report.json").c_str(), (out_dir / "segments.csv").c_str(),
                format_bytes(peak_rss_bytes()).c_str());
  }
  return 0;
}

}  // namespace custseg::jobs
