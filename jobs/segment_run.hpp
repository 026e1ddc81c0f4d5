#pragma once
// The phases `segment` and `score` share: one run's state, the output directory, reading and
// preparing the table, the per-segment statistics, the outputs and the console summary.
// segment.cpp adds the k-means fit between them.
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "custseg/clv/predictions.hpp"
#include "custseg/config/segment_config.hpp"
#include "custseg/data/input_table.hpp"
#include "custseg/data/prepare.hpp"
#include "custseg/data/row_source.hpp"
#include "custseg/data/customer_ids.hpp"
#include "custseg/io/model_file.hpp"
#include "custseg/io/output_dir.hpp"
#include "custseg/mpi/communicator.hpp"
#include "custseg/report/run_summary.hpp"
#include "custseg/stats/segment_labels.hpp"
#include "custseg/stats/segment_profiles.hpp"
#include "custseg/util/log.hpp"
#include "custseg/util/phase_timer.hpp"
#include "custseg/util/pseudonymize.hpp"

namespace custseg::jobs {

namespace fs = std::filesystem;

// One segment run's state, filled phase by phase (segment() below lists the phases). It is never
// moved: the streamed features keep reading from `input`'s file.
struct Run {
  const mpi::Communicator& comm;
  const config::SegmentConfig& cfg;
  const Logger& log;
  fs::path out_dir;
  std::size_t k = 0;
  report::RunSummary summary;
  std::optional<data::InputTable> input;
  data::PreparedData prepared;
  std::unique_ptr<data::Hdf5ChunkedRows> streamed;  // set when --memory-limit makes the features stream
  data::CustomerIds ids;  // numbers or strings, as the input holds them
  std::optional<Pseudonymizer> pseudonyms;  // --pseudonymize-ids: messages name an id by its pseudonym
  stats::ProfileColumns profile_columns;  // KPI and protected columns (never features)
  std::vector<std::int32_t> block_labels;  // per row of this rank's block; -1 for dropped rows
  // The fit's labels per kept row: once the statistics start, block_labels when no row was
  // dropped (moved there from summary.kmeans.labels), summary.kmeans.labels otherwise.
  [[nodiscard]] std::span<const std::int32_t> kept_labels() const {
    return prepared.kept.empty() && summary.kmeans.labels.empty() ? std::span<const std::int32_t>(block_labels)
                                                                   : std::span<const std::int32_t>(summary.kmeans.labels);
  }
  double read_io_seconds = 0.0;            // splits read+prepare in the timing detail
  std::optional<io::Model> previous;       // --previous, read and checked before the fit (read once)
  stats::SegmentLabels labels;             // --segment-labels, read before the data
  // --clv: per row of this rank's block, NaN outside the calibration cohort.
  std::optional<clv::CustomerPredictions> clv_customers;
  // The job's hooks. `score` sets them; `segment` leaves them empty.
  std::string job = "segment";                             // names the job in the log
  const data::FeatureScaling* fixed_scaling = nullptr;     // set: apply this scaling, fit none (score)
  std::function<void(report::RunSummary&)> on_recorded;    // amends the recorded run before writing
  std::vector<io::JobFile> more_inputs;                    // files read besides cfg's (score: --model)
  io::OutputLock lock;  // rank 0: the output folder's lock, released when the run ends (any way)

  Run(const mpi::Communicator& c, const config::SegmentConfig& config, const Logger& l)
      : comm(c), cfg(config), log(l), out_dir(config.output), k(static_cast<std::size_t>(config.k)) {}

  // Runs `work` as the named phase of report.json's "timings".
  template <class Work>
  void timed(const std::string& phase, Work&& work) {
    Stopwatch clock;
    work();
    summary.timings.emplace_back(phase, clock.seconds());
    log.info(phase + ": " + std::to_string(summary.timings.back().second) + " s");
  }
  [[nodiscard]] std::string path(const char* name) const { return (out_dir / name).string(); }
};

// The files of a result set; results.h5, the completion file, comes first (docs/outputs.md).
inline const std::vector<std::string> kResultSet{"results.h5", "report.json", "segments.csv", "report.html",
                                                  "assignments.csv"};

// --pseudonymize-ids: reads the key on every rank (agreed usage error for a missing, empty or
// non-private key file), before anything is read or written.
void load_pseudonymizer(Run& r);

// --segment-labels: reads the file on every rank (agreed input error), before the data is read.
void load_segment_labels(Run& r);
// Names and actions after the statistics: carried from `model` by stable segment ID (every name
// when carry_all, as score does; only person-given ones otherwise, as segment --previous does),
// then the labels file's; warns about the file's IDs this run does not have.
void label_segments(Run& r, const io::Model* model, bool carry_all);

// Root refuses outputs that would replace an input (usage error), takes the output folder's lock
// (exit 4 when another run holds it), checks the directory, and with --overwrite removes the
// earlier results.h5 first, then its reports (agreed); then logs the run.
void prepare_output_dir(Run& r);
// Opens the input, resolves the columns, prepares the features (in memory or streamed) and reads
// the ids; refuses k above the usable rows. With fixed_scaling, the features are the scaling's
// (all missing ones named in one input error), transformed and standardized by it, and any
// number of rows is fine.
void read_and_prepare(Run& r);
// Per-segment statistics in original units from r.summary.kmeans.labels.
void profile_segments(Run& r);
// --clv (segment_clv.cpp): BG/NBD and gamma-gamma over the table's customers; per-segment CLV
// figures join the KPIs, the fits r.summary.clv, per-customer ones r.clv_customers. No-op without.
void fit_lifetime_value(Run& r);
// --clv: an input error before the fit when the table lacks the BG/NBD columns or a row's values
// cannot be right (check_clv_rows).
void check_lifetime_value_input(const Run& r);
// results.h5 (assignments, model, segments), report.json, segments.csv, report.html and, unless
// --export says otherwise, assignments.csv (written in parallel, in input order). Refuses up
// front when results.h5 (size known from rows x columns) does not fit. Every file is written
// under NAME.partial and renamed when whole, results.h5 LAST (after report.json's timing detail),
// so a folder with results.h5 holds a complete set; on failure the new files are removed.
void write_outputs(Run& r);
// Collective: the free space results.h5 needs, checked on rank 0 (agreed): exit 4 before the fit.
void check_output_space(const Run& r);
void print_summary(const Run& r);

}  // namespace custseg::jobs
