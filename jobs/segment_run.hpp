#pragma once
// The phases `segment` and `score` share: one run's state, the output directory, reading and
// preparing the table, the per-segment statistics, the outputs and the console summary.
// segment.cpp adds the k-means fit between them.
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "custseg/config/segment_config.hpp"
#include "custseg/data/input_table.hpp"
#include "custseg/data/prepare.hpp"
#include "custseg/data/row_source.hpp"
#include "custseg/data/customer_ids.hpp"
#include "custseg/io/model_file.hpp"
#include "custseg/io/output_dir.hpp"
#include "custseg/mpi/communicator.hpp"
#include "custseg/report/run_summary.hpp"
#include "custseg/stats/segment_profiles.hpp"
#include "custseg/util/log.hpp"
#include "custseg/util/phase_timer.hpp"

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
  stats::ProfileColumns profile_columns;  // KPI and protected columns (never features)
  std::vector<std::int32_t> block_labels;  // per row of this rank's block; -1 for dropped rows
  double read_io_seconds = 0.0;            // splits read+prepare in the timing detail
  std::optional<io::Model> previous;       // --previous, read and checked before the fit (read once)
  // The job's hooks. `score` sets them; `segment` leaves them empty.
  std::string job = "segment";                             // names the job in the log
  const data::FeatureScaling* fixed_scaling = nullptr;     // set: apply this scaling, fit none (score)
  std::function<void(report::RunSummary&)> on_recorded;    // amends the recorded run before writing
  std::vector<io::JobFile> more_inputs;                    // files read besides cfg's (score: --model)

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

// Root refuses outputs that would replace an input (usage error), then checks and prepares the
// output directory (agreed), then logs the run.
void prepare_output_dir(const Run& r);
// Opens the input, resolves the columns, prepares the features (in memory or streamed) and reads
// the ids; refuses k above the usable rows. With fixed_scaling, the features are the scaling's
// (all missing ones named in one input error), transformed and standardized by it, and any
// number of rows is fine.
void read_and_prepare(Run& r);
// Per-segment statistics in original units from r.summary.kmeans.labels.
void profile_segments(Run& r);
// results.h5 (assignments, model, segments), report.json, segments.csv, report.html.
void write_outputs(Run& r);
void print_summary(const Run& r);

}  // namespace custseg::jobs
