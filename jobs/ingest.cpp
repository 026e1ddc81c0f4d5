// custseg ingest: a transaction log (RFM features per customer) or an aggregated customer table,
// from CSV into the columnar customer table (parallel HDF5), with a data-quality report.
#include "custseg/ingest/ingest_config.hpp"
#include "custseg/ingest/ingest_table.hpp"
#include "custseg/ingest/ingest_transactions.hpp"
#include "custseg/io/output_dir.hpp"
#include "custseg/mpi/collective_guard.hpp"
#include "custseg/util/log.hpp"
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
  // Fail in seconds, not after the parse, when the output cannot be written.
  mpi::agree(comm, [&] {
    if (!comm.is_root()) return;
    const std::string report = ingest::quality_report_path(cfg.output);
    io::refuse_outputs_over_inputs({{cfg.output, "--output"}, {cfg.output + ".partial", "--output"},
                                    {report, "--output (its quality report)"},
                                    {report + ".partial", "--output (its quality report)"}},
                                   {{cfg.transactions, "--transactions"}, {cfg.table, "--table"},
                                    {cfg.common.config_file, "--config"}});
    io::prepare_output_file(cfg.output, cfg.common.overwrite);
  });
  if (!cfg.transactions.empty()) {
    ingest::ingest_transactions(comm, cfg, log);
  } else {
    ingest::ingest_table(comm, cfg, log);
  }
  return 0;
}

}  // namespace custseg::jobs
