// custseg generate --transactions: a CSV transaction log drawn from BG/NBD and gamma-gamma
// (data/transaction_log.hpp), written in parallel (io/rank_ordered_text.hpp: rank 0's customers,
// then rank 1's, ...) in bounded memory, and its true parameters in LOG.csv.truth.json, written
// last (the completion file: a benchmark that finds it finds a whole log).
#include "generate_transactions.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <span>
#include <string>

#include "custseg/data/transaction_log.hpp"
#include "custseg/io/output_dir.hpp"
#include "custseg/io/partial_file.hpp"
#include "custseg/io/partition.hpp"
#include "custseg/io/rank_ordered_text.hpp"
#include "custseg/mpi/collective_guard.hpp"
#include "custseg/report/text_reports.hpp"
#include "custseg/util/error.hpp"
#include "custseg/util/number_text.hpp"
#include "custseg/util/progress.hpp"
#include "stop_cleanup.hpp"

namespace custseg::jobs {

namespace {

std::string truth_path(const config::GenerateConfig& cfg) { return cfg.output + ".truth.json"; }

// Refuses outputs over inputs, takes the lock, checks (and with --overwrite removes, the
// completion file first) the log and its truth file. Rank 0; agreed.
io::OutputLock claim_outputs(const mpi::Communicator& comm, const config::GenerateConfig& cfg) {
  io::OutputLock lock;
  mpi::agree(comm, [&] {
    if (!comm.is_root()) return;
    io::refuse_outputs_over_inputs({{cfg.output, "--output"}, {cfg.output + ".partial", "--output"},
                                    {truth_path(cfg), "--output"}},
                                   {{cfg.common.config_file, "--config"}});
    lock = io::lock_output_file(cfg.output, "generate");
    io::prepare_output_file(truth_path(cfg), cfg.common.overwrite);
    io::prepare_output_file(cfg.output, cfg.common.overwrite);
    for (const std::string& path : {truth_path(cfg), cfg.output}) {
      std::error_code ec;
      if (cfg.common.overwrite) std::filesystem::remove(path, ec);
      if (ec) throw_output("--overwrite: cannot remove the earlier " + path + ": " + ec.message());
    }
  });
  return lock;
}

// Writes the log under its partial name; returns this rank's tally. Each rank draws its block of
// customers chunk by chunk (cfg.chunk_rows customers), twice: write_rank_ordered_text counts the
// bytes first, then writes them, and the draws are a pure function of (seed, customer).
data::LogTally write_log(const mpi::Communicator& comm, const config::GenerateConfig& cfg, const std::string& path,
                         const Logger& log) {
  const io::RowBlock mine = io::block_for_rank(cfg.log.customers, comm.rank(), comm.size());
  const std::uint64_t steps = io::chunk_count(mine.count, cfg.chunk_rows);
  data::LogTally tally;
  int pass = 0;
  io::write_rank_ordered_text(comm, path, [&](const io::TextSink& sink) {
    ++pass;
    tally = {};
    Progress progress(log, pass == 1 ? "generate: sizing the log" : "generate: writing the log",
                      static_cast<double>(steps), "steps");
    if (comm.is_root()) sink(data::log_header());
    std::string text;
    for (std::uint64_t s = 0; s < steps; ++s) {
      const io::RowBlock chunk = io::chunk_of(mine, cfg.chunk_rows, s);
      text.clear();
      data::append_log_lines(cfg.log, chunk.begin, chunk.end(), text, tally);
      sink(text);
      progress.update(static_cast<double>(s + 1));
    }
  });
  return tally;
}

nlohmann::json truth_json(const config::GenerateConfig& cfg, const data::LogTally& all) {
  const data::TransactionLogPlan& g = cfg.log;
  const data::TransactionModel& m = g.model;
  nlohmann::json j;
  j["generator"] = "custseg generate --transactions";
  j["custseg_version"] = CUSTSEG_VERSION;
  j["seed"] = g.seed;
  j["log"] = cfg.output;
  j["bgnbd"] = {{"r", m.r}, {"alpha", m.alpha}, {"a", m.a}, {"b", m.b}};
  j["gamma_gamma"] = {{"p", m.p}, {"q", m.q}, {"gamma", m.gamma}};
  j["time_unit"] = "weeks";
  j["currency_cents"] = true;
  j["start_date"] = data::kStartDate;
  j["cohort_weeks"] = g.cohort_weeks;
  j["calibration_weeks"] = g.calibration_weeks;
  j["holdout_weeks"] = g.holdout_weeks;
  j["calibration_end"] = data::log_date(g.calibration_end_day());
  j["log_end"] = data::log_date(g.total_days() - 1);
  j["customers"] = all.customers;
  j["transactions"] = all.lines;  // lines of the log = purchase days
  j["purchases_drawn"] = all.drawn;
  j["same_day_merged"] = all.merged;
  j["ingest"] = "custseg ingest --config configs/ingest-generated.ini --transactions " + cfg.output +
                " --calibration-end " + data::log_date(g.calibration_end_day()) + " --output TABLE.h5";
  return j;
}

}  // namespace

int generate_transaction_log(const mpi::Communicator& comm, const config::GenerateConfig& cfg, const Logger& log) {
  const io::OutputLock lock = claim_outputs(comm, cfg);
  const data::TransactionModel& m = cfg.log.model;
  log.info("generate --transactions: " + std::to_string(cfg.log.customers) + " customers, seed " +
           std::to_string(cfg.seed) + ", BG/NBD r " + number_text(m.r) + " alpha " + number_text(m.alpha) + " a " +
           number_text(m.a) + " b " + number_text(m.b) + ", gamma-gamma p " + number_text(m.p) + " q " +
           number_text(m.q) + " gamma " + number_text(m.gamma) + ", " + std::to_string(comm.size()) +
           " ranks -> " + cfg.output);
  Stopwatch clock;
  io::PartialFile partial(cfg.output, comm.is_root());  // removed unless committed
  const CleanupPaths partials = partial_removed_on_stop(cfg.output);
  data::LogTally mine = write_log(comm, cfg, partial.path(), log);
  std::uint64_t sums[] = {mine.customers, mine.lines, mine.drawn, mine.merged};
  comm.allreduce_sum(std::span<std::uint64_t>(sums));
  const data::LogTally all{sums[0], sums[1], sums[2], sums[3]};
  mpi::agree(comm, [&] { partial.commit(); });
  // Last: the truth file says the log is whole.
  mpi::agree(comm, [&] {
    if (comm.is_root()) report::write_file_atomically(truth_path(cfg), truth_json(cfg, all).dump(2) + "\n");
  });
  const double seconds = clock.seconds();
  log.info("generate: " + std::to_string(all.lines) + " transactions (" + std::to_string(all.merged) +
           " same-day purchases merged) in " + std::to_string(seconds) + " s (" +
           std::to_string(static_cast<double>(all.lines) / std::max(seconds, 1e-9) / 1e6) +
           " M lines/s); truth in " + truth_path(cfg) + "; peak memory rank 0: " + format_bytes(peak_rss_bytes()));
  return 0;
}

}  // namespace custseg::jobs
