// custseg compare: who moved where between two runs (docs/compare.md).
#include <cstdio>
#include <filesystem>
#include <optional>
#include <string>

#include "custseg/compare/compare_run.hpp"
#include "custseg/config/compare_config.hpp"
#include "custseg/io/output_dir.hpp"
#include "stop_cleanup.hpp"
#include "custseg/mpi/collective_guard.hpp"
#include "custseg/report/compare_reports.hpp"
#include "custseg/util/log.hpp"
#include "custseg/util/pseudonymize.hpp"
#include "custseg/util/threads.hpp"
#include "jobs.hpp"

namespace custseg::jobs {

namespace {

void log_summary(const Logger& log, const compare::CompareResult& r) {
  char line[256];
  std::snprintf(line, sizeof line, "customers in both %lld, new %lld, lost %lld; adjusted Rand index %.6f",
                static_cast<long long>(r.in_both()), static_cast<long long>(r.fresh()),
                static_cast<long long>(r.lost()), r.ari);
  log.info(line);
  for (const auto& note : r.notes) log.info("note: " + note);
  std::string per_rank;
  for (std::size_t i = 0; i < r.peak_rss_per_rank.size(); ++i) {
    char one[96];
    std::snprintf(one, sizeof one, "%s%.2f s / %s", i ? ", " : "", r.seconds_per_rank[i],
                  format_bytes(r.peak_rss_per_rank[i]).c_str());
    per_rank += one;
  }
  log.info("compare took " + std::to_string(r.wall_seconds).substr(0, 6) + " s on " + std::to_string(r.n_ranks) +
           " ranks; wall time / peak memory per rank: " + per_rank);
}

}  // namespace

int compare(const mpi::Communicator& comm, int argc, char** argv) {
  config::CompareConfig cfg;
  bool run = false;
  mpi::agree(comm, [&] { run = config::parse_compare_config(argc, argv, comm.rank(), cfg); });
  if (!run) return 0;
  const Logger log(comm.rank(), cfg.common.verbosity());
  const ThreadLimit threads(cfg.common.threads);
  // --pseudonymize-ids: a bad key file fails before anything is read or written.
  std::optional<Pseudonymizer> pseudonyms;
  if (!cfg.privacy.pseudonymize_ids.empty())
    mpi::agree(comm, [&] { pseudonyms.emplace(Pseudonymizer::from_key_file(cfg.privacy.pseudonymize_ids)); });
  const std::vector<std::string> outputs{"migration.csv", "report.json", "report.html"};
  // Fail in seconds when the output cannot be written or is in use, before reading two runs.
  io::OutputLock lock;  // rank 0; released when the job ends, however it ends
  mpi::agree(comm, [&] {
    if (!comm.is_root()) return;
    // The inputs named on the command line. Not checked: the tables a run's /model input_path
    // names (read when --previous-input/--current-input are not given); they would have to be
    // called migration.csv, report.json or report.html to be replaced.
    std::vector<io::JobFile> inputs = io::run_files(cfg.previous, "--previous");
    for (const auto& f : io::run_files(cfg.current, "--current")) inputs.push_back(f);
    inputs.push_back({cfg.previous_input, "--previous-input"});
    inputs.push_back({cfg.current_input, "--current-input"});
    inputs.push_back({cfg.common.config_file, "--config"});
    io::refuse_outputs_over_inputs(io::files_in_dir(cfg.output, outputs), inputs);
    lock = io::lock_output_dir(cfg.output, "compare");
    io::prepare_output_dir(cfg.output, outputs, cfg.common.overwrite);
    // --overwrite: the old outputs go now, migration.csv (the completion file) first, so a
    // failure below cannot leave them looking current.
    if (cfg.common.overwrite) io::remove_old_outputs(cfg.output, outputs);
  });
  const CleanupPaths partials = partials_removed_on_stop(cfg.output, outputs);
  test_hold("read");
  const compare::CompareResult result = compare::run_compare(comm, cfg, log, pseudonyms ? &*pseudonyms : nullptr);
  mpi::agree(comm, [&] {
    if (comm.is_root()) report::write_compare_outputs(cfg.output, result);
  });
  log_summary(log, result);
  log.info("wrote " + cfg.output + "/migration.csv, report.json, report.html");
  return 0;
}

}  // namespace custseg::jobs
