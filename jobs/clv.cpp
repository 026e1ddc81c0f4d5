// custseg clv: read the sufficient statistics of a customer table -> fit BG/NBD and gamma-gamma
// over all ranks (clv/fit.hpp: one exact reduction per evaluation, the same L-BFGS step on every
// rank) -> per-customer P(alive), expected purchases and expected spend -> clv.h5 (per customer,
// in input row order) and clv.json (the fits; written last: the completion file).
#include <nlohmann/json.hpp>

#include <cmath>
#include <optional>
#include <stdexcept>
#include <string>

#include "custseg/clv/clv_table.hpp"
#include "custseg/clv/fit.hpp"
#include "custseg/clv/predictions.hpp"
#include "custseg/config/clv_config.hpp"
#include "custseg/data/input_table.hpp"
#include "custseg/io/results_file.hpp"
#include "custseg/io/hdf5.hpp"
#include "custseg/io/output_dir.hpp"
#include "custseg/io/partial_file.hpp"
#include "custseg/io/partition.hpp"
#include "custseg/mpi/collective_guard.hpp"
#include "custseg/report/clv_json.hpp"
#include "custseg/report/text_reports.hpp"
#include "custseg/util/error.hpp"
#include "custseg/util/log.hpp"
#include "custseg/util/threads.hpp"
#include "clv_models.hpp"
#include "jobs.hpp"
#include "stop_cleanup.hpp"

// The job is called clv, which hides the namespace custseg::clv inside custseg::jobs.
namespace lifetime = ::custseg::clv;

namespace custseg::jobs {

namespace {

const std::vector<std::string> kClvOutputs{"clv.json", "clv.h5"};  // completion file first

std::string out_path(const config::ClvConfig& cfg, const std::string& name) { return cfg.output + "/" + name; }

// Fails in seconds when the output cannot be written or is in use, before reading the table.
io::OutputLock claim_output_dir(const mpi::Communicator& comm, const config::ClvConfig& cfg) {
  io::OutputLock lock;
  mpi::agree(comm, [&] {
    if (!comm.is_root()) return;
    io::refuse_outputs_over_inputs(io::files_in_dir(cfg.output, kClvOutputs),
                                   {{cfg.input, "--input"}, {cfg.common.config_file, "--config"}});
    lock = io::lock_output_dir(cfg.output, "clv");
    io::prepare_output_dir(cfg.output, kClvOutputs, cfg.common.overwrite);
    if (cfg.common.overwrite) io::remove_old_outputs(cfg.output, kClvOutputs);
  });
  return lock;
}

// clv.h5: /customers/<figure> float64 [n] in input row order, each rank writing its block.
// Collective; published under its final name by the caller.
void write_customer_file(const mpi::Communicator& comm, const std::string& path, const config::ClvConfig& cfg,
                         const lifetime::ClvRows& rows, const data::CustomerIds* ids,
                         const lifetime::CustomerPredictions& p) {
  const io::RowBlock block{rows.first_row, rows.purchases.size()};
  io::File file = io::File::create(path, comm);
  file.create_group("/customers");
  file.write_attribute("/customers", "horizon", cfg.model.horizon);
  file.write_attribute("/customers", "discount_rate", cfg.model.discount_rate);
  file.write_attribute("/customers", "input", cfg.input);
  const auto column = [&](const std::string& name, const std::vector<double>& values) {
    const std::string where = "/customers/" + name;
    file.create_dataset(where, io::ColumnType::float64, {rows.total_rows});
    file.write_rows<double>(where, block, std::span<const double>(values));
  };
  if (ids && !ids->text) {  // numbers in parallel here; strings by write_text_ids once it is closed
    file.create_dataset("/customers/customer_id", io::ColumnType::uint64, {rows.total_rows});
    file.write_rows<std::uint64_t>("/customers/customer_id", block, std::span<const std::uint64_t>(ids->numbers));
  }
  column("p_alive", p.p_alive);
  column("expected_purchases", p.expected_purchases);
  // Every rank knows whether gamma-gamma was fitted (the same table listing everywhere).
  if (rows.has_monetary) {
    column("expected_spend", p.expected_spend);
    column("clv", p.clv);
  }
  file.close();
}

void write_outputs(const mpi::Communicator& comm, const config::ClvConfig& cfg, const lifetime::ClvRows& rows,
                   const data::CustomerIds* ids, const lifetime::CustomerPredictions& predictions,
                   const nlohmann::json& fits) {
  io::PartialFile h5(out_path(cfg, "clv.h5"), comm.is_root());  // removed unless committed
  try {
    mpi::agree(comm, [&] { write_customer_file(comm, h5.path(), cfg, rows, ids, predictions); });
    if (ids && ids->text)
      io::write_text_ids(comm, h5.path(), rows.total_rows, {rows.first_row, rows.purchases.size()}, ids->strings,
                         "/customers/customer_id");
    // Last: only now does the folder hold a complete result set.
    mpi::agree(comm, [&] {
      h5.commit();
      if (comm.is_root()) report::write_file_atomically(out_path(cfg, "clv.json"), fits.dump(2) + "\n");
    });
  } catch (...) {
    if (comm.is_root()) io::remove_unfinished_outputs(cfg.output, kClvOutputs);
    throw;
  }
}

// The table's customer ids for this rank's rows, so that clv.h5 joins to anything else by id;
// none (with a note) when the table has no such column.
std::optional<data::CustomerIds> read_ids(const mpi::Communicator& comm, const config::ClvConfig& cfg,
                                          const lifetime::ClvRows& rows, const Logger& log) {
  std::optional<data::InputTable> input;
  mpi::agree(comm, [&] { input.emplace(data::open_input_table(comm, cfg.input, cfg.key, cfg.id_column)); });
  if (!input->table.find(cfg.id_column)) {
    log.info("note: " + cfg.input + " has no column '" + cfg.id_column + "'; clv.h5 rows follow the input rows");
    return std::nullopt;
  }
  return data::read_customer_ids(comm, *input, cfg.id_column, {rows.first_row, rows.purchases.size()});
}

}  // namespace

int clv(const mpi::Communicator& comm, int argc, char** argv) {
  config::ClvConfig cfg;
  bool run = false;
  mpi::agree(comm, [&] { run = config::parse_clv_config(argc, argv, comm.rank(), cfg); });
  if (!run) return 0;
  const Logger log(comm.rank(), cfg.common.verbosity());
  const ThreadLimit threads(cfg.common.threads);
  const io::OutputLock lock = claim_output_dir(comm, cfg);
  const CleanupPaths partials = partials_removed_on_stop(cfg.output, kClvOutputs);
  const lifetime::ClvRows rows = lifetime::read_clv_rows(comm, cfg.input, clv_columns(cfg.model), cfg.key);
  log.info("clv: " + std::to_string(rows.total_rows) + " customers from " + cfg.input + " on " +
           std::to_string(comm.size()) + " ranks");
  check_clv_rows(comm, rows, cfg.model);
  const ClvModels models = fit_clv_models(comm, rows, cfg.model, log);
  nlohmann::json fits{{"input", cfg.input}, {"customers", rows.total_rows}, {"horizon", cfg.model.horizon},
                      {"discount_rate", cfg.model.discount_rate}, {"ranks", comm.size()}};
  fits["bgnbd"] = report::clv_fit_json(models.purchases);
  if (models.spend) fits["gamma_gamma"] = report::clv_fit_json(*models.spend);
  const std::optional<data::CustomerIds> ids = read_ids(comm, cfg, rows, log);
  write_outputs(comm, cfg, rows, ids ? &*ids : nullptr, models.predictions, fits);
  log.info("wrote " + out_path(cfg, "clv.h5") + " (per customer) and " + out_path(cfg, "clv.json") + " (the fits)");
  return 0;
}

}  // namespace custseg::jobs
