// The phases segment and score share (segment_run.hpp).
#include "segment_run.hpp"

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
#include "custseg/io/output_dir.hpp"
#include "custseg/io/output_space.hpp"
#include "custseg/io/partial_file.hpp"
#include "custseg/io/rank_ordered_text.hpp"
#include "custseg/io/results_file.hpp"
#include "custseg/kmeans/driver.hpp"
#include "custseg/data/row_source.hpp"
#include "custseg/mpi/collective_guard.hpp"
#include "custseg/report/assignments_csv.hpp"
#include "custseg/report/html_report.hpp"
#include "custseg/report/text_reports.hpp"
#include "custseg/stats/segment_profiles.hpp"
#include "custseg/stats/streaming_quality.hpp"
#include "custseg/util/error.hpp"
#include "custseg/util/log.hpp"
#include "custseg/util/phase_timer.hpp"
#include "custseg/util/threads.hpp"
#include "custseg/util/stop_signal.hpp"
#include "run_record.hpp"

namespace custseg::jobs {

namespace {

// Every file the run writes (the checkpoint too: --checkpoint-every or a signal writes it) and
// every file it reads, for io::refuse_outputs_over_inputs.
void refuse_writing_over_inputs(const Run& r, const std::vector<std::string>& outputs) {
  std::vector<io::JobFile> written = io::files_in_dir(r.cfg.output, outputs);
  written.push_back({r.path("checkpoint.h5"), "--output"});
  written.push_back({r.path("checkpoint.h5") + ".tmp", "--output"});
  std::vector<io::JobFile> read{{r.cfg.input, "--input"}, {r.cfg.common.config_file, "--config"}};
  for (const auto& files : {io::run_files(r.cfg.init_file, "--init"), io::run_files(r.cfg.previous, "--previous"),
                            r.more_inputs})
    read.insert(read.end(), files.begin(), files.end());
  io::refuse_outputs_over_inputs(written, read);
}

}  // namespace

void prepare_output_dir(Run& r) {
  mpi::agree(r.comm, [&] {
    if (!r.comm.is_root()) return;
    const std::vector<std::string>& outputs = kResultSet;
    refuse_writing_over_inputs(r, outputs);
    r.lock = io::lock_output_dir(r.cfg.output, r.job);  // before any check: a busy folder says who has it
    io::prepare_output_dir(r.cfg.output, outputs, r.cfg.common.overwrite);
    // An interrupted run leaves only checkpoint.h5 (and partial files): --resume continues it; a
    // fresh run must not silently replace it (docs/checkpoint-resume.md).
    const bool checkpoint = fs::exists(r.out_dir / "checkpoint.h5");
    if (r.cfg.resume && !checkpoint)
      throw_usage("--resume: no checkpoint " + r.path("checkpoint.h5") +
                  " (a run leaves one when stopped by SIGTERM/SIGUSR1 or with --checkpoint-every; it is removed once "
                  "the outputs are complete)");
    if (!r.cfg.resume && checkpoint && !r.cfg.common.overwrite)
      throw_output(r.path("checkpoint.h5") + " exists (an interrupted run): pass --resume to continue it, or "
                   "--overwrite to start over");
    // results.h5 goes first: from here on the folder does not look complete until this run ends.
    if (r.cfg.common.overwrite) io::remove_old_outputs(r.cfg.output, outputs);
  });
  r.log.info(r.job + ": " + r.cfg.input + " -> " + r.cfg.output + " (k=" + std::to_string(r.cfg.k) + ", seed " +
             std::to_string(r.cfg.seed) + ", " + std::to_string(r.comm.size()) + " ranks x " +
             std::to_string(r.cfg.common.threads) + " threads)");
}

// ---- read, validate, transform, standardize ----
namespace {

// A model's features, each of which the table must hold (exact names, as the model was fitted):
// one input error names every missing one.
std::vector<std::string> fixed_features(const data::FeatureScaling& scaling, const io::TableInfo& table,
                                        const std::string& path) {
  std::string missing;
  for (const auto& name : scaling.names)
    if (std::find(table.columns.begin(), table.columns.end(), name) == table.columns.end())
      missing += (missing.empty() ? "" : ", ") + name;
  if (!missing.empty())
    throw_input(path + " lacks feature(s) the model was fitted on: " + missing + " (the input must hold every model "
                "feature; other columns are ignored)");
  for (const auto& name : scaling.names) table.require(name, "feature");
  return scaling.names;
}

// Checks the id column and resolves the KPI and protected columns against the features; returns
// the number of features.
std::size_t resolve_columns(Run& r) {
  const io::TableInfo& table = r.input->table;
  std::size_t dims = 0;
  std::vector<std::string> categorical;
  mpi::agree(r.comm, [&] {
    if (!table.find(r.cfg.data.id_column))
      throw_input("id column '" + r.cfg.data.id_column + "' not found in " + r.cfg.input + " (set --id-column)");
    const std::vector<std::string> features =
        r.fixed_scaling ? fixed_features(*r.fixed_scaling, table, r.cfg.input)
                        : data::select_features(r.cfg.data.features, table, r.cfg.input);
    dims = features.size();
    categorical = stats::categorical_features(r.input->file, table, features);
    r.profile_columns = stats::resolve_profile_columns(r.input->file, table, config::profile_request(r.cfg.profile), features,
                                                       r.cfg.data.id_column);
  });
  for (const auto& name : categorical) r.log.info(stats::categorical_feature_warning(name));
  return dims;
}

// The features in memory, or, when a rank's block exceeds --memory-limit, streamed from the file
// in chunks (the same chunk size on every rank: agreed).
void prepare_features(Run& r, std::size_t dims) {
  const data::PrepareOptions options = config::prepare_options(r.cfg.data);
  const io::TableInfo& table = r.input->table;
  std::uint64_t chunk_rows = 0;
  mpi::agree(r.comm, [&] {
    chunk_rows = data::streaming_chunk_rows(r.cfg.memory_limit_bytes, table.rows, r.comm.size(), dims, options.precision);
  });
  if (chunk_rows == 0) {
    r.prepared = r.fixed_scaling ? data::prepare_with_scaling(r.comm, r.input->file, table, *r.fixed_scaling,
                                                              options.nan_policy, options.precision)
                                 : data::prepare_features(r.comm, r.input->file, table, options);
    return;
  }
  const std::uint64_t largest_block = io::block_for_rank(table.rows, 0, r.comm.size()).count;
  r.log.info("  --memory-limit " + r.cfg.memory_limit + ": features stream from the input, " +
             std::to_string(chunk_rows) + " rows per chunk, " +
             std::to_string(io::chunk_count(largest_block, chunk_rows)) + " chunks per pass");
  r.streamed = r.fixed_scaling ? data::prepare_streaming_with_scaling(r.comm, r.input->file, table, *r.fixed_scaling,
                                                                     options.precision, chunk_rows, r.prepared, r.log)
                               : data::prepare_streaming(r.comm, r.input->file, table, options, chunk_rows, r.prepared,
                                                         r.log);
}

// Ids are checked (numbers that are not ids, repeats) before any work depends on them.
void read_ids(Run& r) {
  r.ids = data::read_customer_ids(r.comm, *r.input, r.cfg.data.id_column, r.prepared.block);
  if (!r.cfg.allow_duplicate_ids)
    data::check_unique_ids(r.comm, r.ids, r.prepared.block, r.cfg.data.id_column, r.cfg.input, data::kIdRoundBytes,
                           r.pseudonyms ? &*r.pseudonyms : nullptr);
  // Numeric ids are read again for the outputs (reread_ids): held through the fit and the
  // statistics they cost 8 bytes a row, a quarter of 8 float32 features. Text ids stay (their
  // sizes make results.h5's size, checked before the fit).
  if (!r.ids.text) std::vector<std::uint64_t>().swap(r.ids.numbers);
}

}  // namespace

void load_pseudonymizer(Run& r) {
  if (r.cfg.privacy.pseudonymize_ids.empty()) return;
  mpi::agree(r.comm, [&] { r.pseudonyms.emplace(Pseudonymizer::from_key_file(r.cfg.privacy.pseudonymize_ids)); });
}

void load_segment_labels(Run& r) {
  if (r.cfg.profile.segment_labels.empty()) return;
  mpi::agree(r.comm, [&] { r.labels = stats::read_segment_labels(r.cfg.profile.segment_labels); });
}

namespace {

// One line for the IDs a labels file names that this run lacks, however many (a file kept for
// years of periods may name hundreds): the first few are listed.
std::string unused_ids_text(const std::vector<std::int32_t>& unused) {
  constexpr std::size_t kListed = 5;
  std::string listed;
  for (std::size_t i = 0; i < unused.size() && i < kListed; ++i) listed += (i ? ", " : "") + std::to_string(unused[i]);
  if (unused.size() == 1) return "segment " + listed + " is not in this run; its label is unused";
  return std::to_string(unused.size()) + " segment IDs are not in this run (" + listed +
         (unused.size() > kListed ? ", ..." : "") + "); their labels are unused";
}

}  // namespace

void label_segments(Run& r, const io::Model* model, bool carry_all) {
  auto& profiles = r.summary.profiles;
  // The stable ID of each k-means index: the model's in score, the matched ones after --previous.
  std::vector<std::int32_t> ids = carry_all && model ? model->segment_ids : r.summary.segment_ids;
  for (std::size_t c = ids.size(); c < r.k; ++c) ids.push_back(static_cast<std::int32_t>(c));
  if (model) {
    carry_model_labels(profiles, ids, {model->segment_ids, model->names, model->actions, model->name_sources}, carry_all);
  } else {
    stats::default_label_fields(profiles);
  }
  if (r.labels.empty()) return;
  const auto unused = stats::apply_segment_labels(profiles, ids, r.labels);
  if (!unused.empty()) r.log.info("warning: --segment-labels " + r.cfg.profile.segment_labels + ": " + unused_ids_text(unused));
}

void read_and_prepare(Run& r) {
  r.timed("read+prepare", [&] {
    r.input.emplace(data::open_input_table(r.comm, r.cfg.input, r.cfg.data.key, r.cfg.data.id_column));
    r.summary.as_of = data::table_attribute(*r.input, "as_of");
    r.summary.churn_after = data::table_attribute(*r.input, "churn_after");
    r.summary.rows_after_as_of = data::table_attribute(*r.input, "rows_after_as_of");
    test_hold("read");
    if (const std::string& consent = r.cfg.privacy.consent_column; !consent.empty())
      r.log.info("  " + data::consent_summary(data::select_consenting_rows(r.comm, *r.input, consent), consent));
    prepare_features(r, resolve_columns(r));
    read_ids(r);
  });
  r.read_io_seconds = io::transfer_stats().read_seconds;
  const data::PreparedData& p = r.prepared;
  r.log.info("  " + std::to_string(p.rows_total) + " rows x " + std::to_string(p.x.dims) + " features, " +
             std::to_string(p.rows_dropped) + " dropped (NaN/Inf)");
  if (r.fixed_scaling) return;  // scoring: segments may stay empty
  mpi::agree(r.comm, [&] { data::require_usable_rows(p, r.k, r.cfg.input); });
}

// ---- per-segment statistics in original units (columns re-read one at a time) ----
namespace {

// --memory-limit: the features are not in memory. The quality metrics and the silhouette sample
// come from chunked passes (stats/streaming_quality.hpp); the profiles see no feature rows (only
// the re-read columns), and their quality is replaced by the streamed one, silhouette kept.
stats::SegmentProfiles profile_streamed(Run& r, const stats::ProfileSettings& settings) {
  stats::RowSample sample;
  if (settings.silhouette_sample > 0) sample = stats::draw_sample(r.comm, *r.streamed, settings.silhouette_sample, settings.seed);
  data::PreparedData columns_only = r.prepared;
  columns_only.x.rows = 0;
  stats::SegmentProfiles profiles = stats::profile_segments(r.comm, r.input->file, r.input->table, columns_only,
                                                            r.kept_labels(), r.block_labels, r.k, settings, &sample);
  const stats::ClusterQuality from_sample = profiles.quality;
  profiles.quality = stats::cluster_quality(r.comm, *r.streamed, r.kept_labels(), r.k);
  profiles.quality.silhouette = from_sample.silhouette;
  profiles.quality.silhouette_sample = from_sample.silhouette_sample;
  return profiles;
}

}  // namespace

void profile_segments(Run& r) {
  // No row dropped: the block's labels are the fit's, moved rather than copied (one label per row
  // held, not two; Run::kept_labels).
  if (r.prepared.kept.empty()) r.block_labels = std::move(r.summary.kmeans.labels);
  else r.block_labels = data::expand_to_block(r.prepared, r.summary.kmeans.labels, std::int32_t{-1});
  r.timed("statistics", [&] {
    const stats::ProfileSettings settings{r.profile_columns, r.cfg.profile.fairness_threshold,
                                          static_cast<std::uint64_t>(r.cfg.profile.silhouette_sample), r.cfg.seed,
                                          &r.log};
    r.summary.profiles = r.streamed ? profile_streamed(r, settings)
                                    : stats::profile_segments(r.comm, r.input->file, r.input->table, r.prepared,
                                                              r.kept_labels(), r.block_labels, r.k, settings);
    for (const auto& p : r.summary.profiles.features) r.summary.moments.push_back(p.moments);
  });
}

// ---- outputs ----
namespace {

// segment --clv: the per-customer figures results.h5 /assignments and assignments.csv carry, in
// that order (expected_spend and clv only with a gamma-gamma fit); none without --clv.
std::vector<NamedColumn> clv_figures(const Run& r) {
  if (!r.clv_customers) return {};
  const clv::CustomerPredictions& p = *r.clv_customers;
  std::vector<NamedColumn> figures{{"p_alive", p.p_alive}, {"expected_purchases", p.expected_purchases}};
  if (!p.clv.empty()) {
    figures.push_back({"expected_spend", p.expected_spend});
    figures.push_back({"clv", p.clv});
  }
  return figures;
}

// assignments.csv (report/assignments_csv.hpp), each rank writing its block in rows of 64K lines,
// so no rank holds more than its block's labels and one chunk of text.
void write_assignments_csv(const Run& r, const std::string& partial, std::span<const float> block_distance) {
  constexpr std::size_t kRowsPerChunk = 1 << 16;
  // Names as segments.csv and report.html give them (RunSummary::segment_name).
  std::vector<std::string> names(r.summary.k);
  for (std::size_t c = 0; c < names.size(); ++c) names[c] = r.summary.segment_name(c);
  const report::AssignmentRows rows{r.ids, r.block_labels, block_distance, r.summary.segment_ids, names, clv_figures(r)};
  const std::size_t n = r.block_labels.size();
  io::write_rank_ordered_text(r.comm, partial, [&](const io::TextSink& sink) {
    std::string text = r.comm.is_root() ? report::assignments_csv_header(rows.figures) : std::string();
    for (std::size_t begin = 0; begin < n; begin += kRowsPerChunk) {
      report::append_assignment_lines(rows, begin, std::min(n, begin + kRowsPerChunk), text);
      sink(text);
      text.clear();
    }
    if (!text.empty()) sink(text);
  });
}

// Collective: the numeric ids read_ids released, read again (checked then; the same rows now).
void reread_ids(Run& r) {
  if (r.ids.text) return;
  r.ids = data::read_customer_ids(r.comm, *r.input, r.cfg.data.id_column, r.prepared.block);
}

// Collective: /assignments of the partial results file and, when `csv_partial` is not empty,
// assignments.csv; then the per-row results are freed.
void write_assignments(Run& r, const std::string& partial, std::uint64_t bytes, const std::string& csv_partial) {
  reread_ids(r);
  kmeans::KMeansResult& fit = r.summary.kmeans;
  // Squared distances become distances in place, and without dropped rows they are the block's
  // (moved, not copied): one float per row held, not three.
  std::transform(fit.distance2.begin(), fit.distance2.end(), fit.distance2.begin(),
                 [](double d2) { return static_cast<float>(std::sqrt(d2)); });
  const std::vector<float> block_distance = r.prepared.kept.empty()
                                                ? std::move(fit.distance2)
                                                : data::expand_to_block(r.prepared, fit.distance2, std::nanf(""));
  // /assignments/segment holds the stable ID (identity without --previous; -1 stays -1).
  std::vector<std::int32_t> stable;
  if (!r.summary.segment_ids.empty()) {
    stable = r.block_labels;
    for (std::int32_t& label : stable)
      if (label >= 0) label = r.summary.segment_ids[static_cast<std::size_t>(label)];
  }
  const std::vector<std::int32_t>& block_segments = stable.empty() ? r.block_labels : stable;
  mpi::agree(r.comm, [&] {
    io::write_assignments(r.comm, partial, r.prepared.rows_total, r.prepared.block, r.ids.numbers, block_segments,
                          block_distance, !r.ids.text, bytes, clv_figures(r));
  });
  // String ids go back as they came (variable-length strings), so results join to the source.
  if (r.ids.text) io::write_text_ids(r.comm, partial, r.prepared.rows_total, r.prepared.block, r.ids.strings);
  if (!csv_partial.empty()) write_assignments_csv(r, csv_partial, block_distance);
  fit.labels.clear();
  fit.distance2.clear();
}

std::uint64_t results_bytes(const Run& r);

// Rank 0: the model and segments complete the results file (still under its partial name); the
// reports are rendered from the gathered summary.
void write_model_and_reports(const Run& r, const std::string& partial) {
  mpi::agree(r.comm, [&] {
    if (!r.comm.is_root()) return;
    io::write_model_and_segments(partial, r.summary);
    report::write_file_atomically(r.path("segments.csv"), report::render_segments_csv(r.summary));
    report::write_file_atomically(r.path("report.json"), report::render_json_report(r.summary));
    report::write_file_atomically(r.path("report.html"), report::render_html_report(r.summary));
  });
}

// Bytes of results.h5: 4 (segment) + 4 (distance) + 8 (numeric id) + 8 per --clv figure per row, or a text id's
// bytes plus its variable-length overhead; the model and segment tables are small (k x d).
std::uint64_t results_bytes(const Run& r) {
  std::uint64_t text = 0;
  for (const auto& id : r.ids.strings) text += id.size() + 32;
  const std::uint64_t ids = r.ids.text ? r.comm.sum(text) : 8 * r.prepared.rows_total;
  const auto k = static_cast<std::uint64_t>(r.k);
  const std::uint64_t model = 64 * 1024 + 256 * k * r.prepared.x.dims + 8 * k * k;  // k x k: --previous matching
  return (8 + 8 * clv_figures(r).size()) * r.prepared.rows_total + ids + model;
}

}  // namespace

void check_output_space(const Run& r) {
  const std::uint64_t bytes = results_bytes(r);
  mpi::agree(r.comm, [&] {
    if (r.comm.is_root()) io::require_free_space(r.path("results.h5"), bytes);
  });
}

void write_outputs(Run& r) {
  r.summary.k = r.k;
  r.summary.init_file = r.cfg.init_file;
  r.summary.next_segment_id = r.summary.next_id();  // k unless --previous set it
  record_run(r.summary, r.cfg, r.cfg.n_init, r.comm.size(), r.prepared);
  if (r.on_recorded) r.on_recorded(r.summary);
  io::PartialFile results(r.path("results.h5"), r.comm.is_root());  // removed unless committed
  std::optional<io::PartialFile> csv;  // --export: assignments.csv
  if (config::writes_assignments_csv(r.cfg.exports, r.prepared.rows_total))
    csv.emplace(r.path("assignments.csv"), r.comm.is_root());
  else if (r.cfg.exports.format == config::ExportFormat::automatic)
    r.log.info("export: no assignments.csv for " + std::to_string(r.prepared.rows_total) + " customers (auto writes it up to " +
               std::to_string(config::kAutoExportMaxRows) + "; --export csv writes it anyway); results.h5 holds the assignments");
  try {
    check_output_space(r);
    r.timed("write", [&] {
      write_assignments(r, results.path(), results_bytes(r), csv ? csv->path() : std::string());
      test_hold("write");
      write_model_and_reports(r, results.path());
    });
    // Per-rank phase times, imbalance, allreduce and HDF5 figures, gathered to rank 0 (one
    // MPI_Gather: every rank must reach it) into report.json's "timing_detail".
    timing::append_timing_detail(r.comm, {r.summary.timings, r.read_io_seconds, r.prepared.x.rows},
                                 r.path("report.json"), r.log);
    // Last: only now does the folder hold a complete result set. From the rename on, a signal
    // is only recorded: stopping then would report a stop beside a complete result set.
    mpi::agree(r.comm, [&] {
      if (csv) csv->commit();
      stops_ignored_from_now();
      results.commit();
    });
  } catch (...) {
    if (r.comm.is_root()) io::remove_unfinished_outputs(r.cfg.output, kResultSet);
    throw;
  }
}

void print_summary(const Run& r) {
  if (!r.comm.is_root() || r.log.level() == Verbosity::quiet) return;
  std::printf("\n%s\n", report::render_console_table(r.summary).c_str());
  // Last lines, where a user looks: the report to open first, then the files for scripts.
  std::printf("results:  %s\nsegments: %s\n", r.path("results.h5").c_str(), r.path("segments.csv").c_str());
  if (fs::exists(r.path("assignments.csv"))) std::printf("per customer: %s\n", r.path("assignments.csv").c_str());
  std::printf("report:   %s (open in a browser; %s for scripts)\npeak memory (rank 0): %s\n", r.path("report.html").c_str(),
              r.path("report.json").c_str(), format_bytes(peak_rss_bytes()).c_str());
}

}  // namespace custseg::jobs
