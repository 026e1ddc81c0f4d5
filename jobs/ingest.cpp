// custseg ingest: a transaction log (RFM features per customer) or an aggregated customer table,
// from CSV into the columnar customer table (parallel HDF5), with a data-quality report.
#include <filesystem>
#include <optional>

#include "custseg/ingest/ingest_config.hpp"
#include "custseg/ingest/ingest_table.hpp"
#include "custseg/ingest/ingest_transactions.hpp"
#include "custseg/io/output_dir.hpp"
#include "stop_cleanup.hpp"
#include "custseg/mpi/collective_guard.hpp"
#include "custseg/util/error.hpp"
#include "custseg/util/log.hpp"
#include "custseg/util/pseudonymize.hpp"
#include "custseg/util/threads.hpp"
#include "jobs.hpp"

namespace custseg::jobs {

int ingest(const mpi::Communicator& comm, int argc, char** argv) {
  ingest::IngestConfig cfg;
  bool run = false;
  mpi::agree(comm, [&] { run = ingest::parse_ingest_config(argc, argv, comm.rank(), cfg); });
  if (!run) return 0;
  const Logger log(comm.rank(), cfg.common.verbosity());
  const ThreadLimit threads(cfg.common.threads);
  // --pseudonymize-ids: a bad key file fails before anything is read or written.
  std::optional<Pseudonymizer> pseudonyms;
  if (!cfg.privacy.pseudonymize_ids.empty())
    mpi::agree(comm, [&] { pseudonyms.emplace(Pseudonymizer::from_key_file(cfg.privacy.pseudonymize_ids)); });
  // Fail in seconds, not after the parse, when the output cannot be written or is in use.
  io::OutputLock lock;  // rank 0; released when the job ends, however it ends
  mpi::agree(comm, [&] {
    if (!comm.is_root()) return;
    const std::string report = ingest::quality_report_path(cfg.output);
    io::refuse_outputs_over_inputs({{cfg.output, "--output"}, {cfg.output + ".partial", "--output"},
                                    {report, "--output (its quality report)"},
                                    {report + ".partial", "--output (its quality report)"}},
                                   {{cfg.transactions, "--transactions"}, {cfg.table, "--table"},
                                    {cfg.common.config_file, "--config"}});
    lock = io::lock_output_file(cfg.output, "ingest");
    io::prepare_output_file(cfg.output, cfg.common.overwrite);
    // The table is the completion file: with --overwrite it goes first, then its quality report.
    if (cfg.common.overwrite) {
      const auto dir = std::filesystem::path(cfg.output).parent_path().string();
      io::remove_old_outputs(dir.empty() ? "." : dir, {std::filesystem::path(cfg.output).filename().string(),
                                                      std::filesystem::path(report).filename().string()});
    }
  });
  const CleanupPaths partials({cfg.output + ".partial", ingest::quality_report_path(cfg.output) + ".partial"});
  test_hold("read");
  try {
    if (!cfg.transactions.empty()) {
      ingest::ingest_transactions(comm, cfg, log, pseudonyms ? &*pseudonyms : nullptr);
    } else {
      ingest::ingest_table(comm, cfg, log, pseudonyms ? &*pseudonyms : nullptr);
    }
  } catch (const Error& e) {
    // The table could not be written (a full disk): its quality report, written first, goes too,
    // so nothing is left of the run. An input error keeps it: it says which rows were set aside.
    std::error_code ignored;
    if (e.code() == ExitCode::output && comm.is_root())
      std::filesystem::remove(ingest::quality_report_path(cfg.output), ignored);
    throw;
  }
  return 0;
}

}  // namespace custseg::jobs
