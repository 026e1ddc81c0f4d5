// custseg generate: a synthetic customer table, written in parallel in bounded memory.
#include <algorithm>
#include <filesystem>
#include <optional>
#include <string>

#include "custseg/config/generate_config.hpp"
#include "custseg/data/synthetic.hpp"
#include "custseg/io/customer_table.hpp"
#include "custseg/io/hdf5.hpp"
#include "custseg/io/output_dir.hpp"
#include "custseg/io/output_space.hpp"
#include "custseg/io/partial_file.hpp"
#include "stop_cleanup.hpp"
#include "custseg/mpi/collective_guard.hpp"
#include "custseg/util/log.hpp"
#include "custseg/util/threads.hpp"
#include "generate_transactions.hpp"
#include "jobs.hpp"

namespace custseg::jobs {

namespace {

using io::column_path;

// Column name, on-disk type. Order = order in the file.
struct ColumnDef {
  const char* name;
  io::ColumnType type;
};

// Column metadata the reports read (docs/input-hdf5.md#column-metadata): label, unit and which
// way is better for the business (none where neither is: a discount share is a choice, not a merit).
void describe_columns(const io::File& f) {
  struct Description {
    const char* name;
    const char* label;
    const char* unit;
    const char* higher_is;
  };
  static constexpr Description kDescriptions[] = {
      {"recency_days", "days since the last purchase", "days", "bad"},
      {"frequency", "purchases in the last 12 months", "purchases", "good"},
      {"monetary", "spend in the last 12 months", "EUR", "good"},
      {"tenure_days", "days since the first purchase", "days", "good"},
      {"avg_basket", "average spend per purchase", "EUR", "good"},
      {"discount_share", "share of purchases with a discount", "fraction", ""},
      {"web_share", "share of purchases made online", "fraction", ""},
      {"email_open_rate", "share of marketing emails opened", "fraction", "good"},
      {"age", "age", "years", ""},
      {"revenue_12m", "revenue in the last 12 months", "EUR", "good"},
      {"churned", "left in the following period", "", "bad"},
  };
  for (const auto& d : kDescriptions) {
    f.write_attribute(column_path(d.name), "label", std::string(d.label));
    if (*d.unit) f.write_attribute(column_path(d.name), "unit", std::string(d.unit));
    if (*d.higher_is) f.write_attribute(column_path(d.name), "higher_is", std::string(d.higher_is));
  }
}

void create_columns(const io::File& f, std::uint64_t rows, const config::GenerateConfig& cfg) {
  const std::uint64_t seed = cfg.seed;
  const bool wide = cfg.wide;
  const ColumnDef columns[] = {
      {"customer_id", io::ColumnType::uint64},    {"recency_days", io::ColumnType::float64}, {"frequency", io::ColumnType::int32},
      {"monetary", io::ColumnType::float64},      {"tenure_days", io::ColumnType::int32},   {"avg_basket", io::ColumnType::float64},
      {"discount_share", io::ColumnType::float64}, {"web_share", io::ColumnType::float64},   {"email_open_rate", io::ColumnType::float64},
      {"age", io::ColumnType::int32},            {"region", io::ColumnType::int32},        {"gender", io::ColumnType::int32},
      {"revenue_12m", io::ColumnType::float64},   {"churned", io::ColumnType::int32},       {"true_segment", io::ColumnType::int32},
  };
  f.create_group(io::kCustomersGroup);
  for (const auto& c : columns) f.create_dataset(column_path(c.name), c.type, {rows});
  if (wide)
    for (const auto& name : data::engagement_columns()) f.create_dataset(column_path(name), io::ColumnType::float64, {rows});
  // Attributes are metadata: every rank writes the same values (collective in parallel HDF5).
  f.write_attribute(column_path("region"), "categories", data::region_names());
  f.write_attribute(column_path("gender"), "categories", data::gender_names());
  f.write_attribute(column_path("gender"), "role", std::string("protected"));
  f.write_attribute(column_path("true_segment"), "categories", data::archetype_names());
  f.write_attribute(column_path("churned"), "role", std::string("kpi"));
  f.write_attribute(column_path("revenue_12m"), "role", std::string("kpi"));
  describe_columns(f);
  f.write_attribute(io::kCustomersGroup, "generator", std::string("custseg generate"));
  f.write_attribute(io::kCustomersGroup, "seed", static_cast<std::int64_t>(seed));
  if (cfg.period == 2) {  // period 1 files stay as they were
    f.write_attribute(io::kCustomersGroup, "period", std::int64_t{2});
    f.write_attribute(io::kCustomersGroup, "drift", cfg.drift);
    f.write_attribute(io::kCustomersGroup, "period_1_rows", static_cast<std::int64_t>(cfg.rows));
  }
}

void write_chunk(const io::File& f, const io::RowBlock& chunk, const data::SyntheticBlock& b) {
  f.write_rows<std::uint64_t>(column_path("customer_id"), chunk, b.customer_id);
  f.write_rows<double>(column_path("recency_days"), chunk, b.recency_days);
  f.write_rows<std::int32_t>(column_path("frequency"), chunk, b.frequency);
  f.write_rows<double>(column_path("monetary"), chunk, b.monetary);
  f.write_rows<std::int32_t>(column_path("tenure_days"), chunk, b.tenure_days);
  f.write_rows<double>(column_path("avg_basket"), chunk, b.avg_basket);
  f.write_rows<double>(column_path("discount_share"), chunk, b.discount_share);
  f.write_rows<double>(column_path("web_share"), chunk, b.web_share);
  f.write_rows<double>(column_path("email_open_rate"), chunk, b.email_open_rate);
  f.write_rows<std::int32_t>(column_path("age"), chunk, b.age);
  f.write_rows<std::int32_t>(column_path("region"), chunk, b.region);
  f.write_rows<std::int32_t>(column_path("gender"), chunk, b.gender);
  f.write_rows<double>(column_path("revenue_12m"), chunk, b.revenue_12m);
  f.write_rows<std::int32_t>(column_path("churned"), chunk, b.churned);
  f.write_rows<std::int32_t>(column_path("true_segment"), chunk, b.true_segment);
  for (std::size_t c = 0; c < b.engagement.size(); ++c)
    f.write_rows<double>(column_path(data::engagement_columns()[c]), chunk, b.engagement[c]);
}

}  // namespace

// Bytes of the table: 15 columns (8 of 8 bytes, 7 of 4), 8 more of 8 bytes with --wide.
std::uint64_t table_bytes(std::uint64_t rows, bool wide) { return rows * (8 * 8 + 7 * 4 + (wide ? 64 : 0)) + 64 * 1024; }

// Generates and writes every rank's rows, chunk by chunk; returns the seconds it took. Each
// collective write agrees on failure itself (io::File), so no rank is left in a collective.
double write_rows(const mpi::Communicator& comm, const config::GenerateConfig& cfg, const data::PeriodTwoPlan& plan,
                  std::uint64_t rows, const io::File& file, const Logger& log) {
  const io::RowBlock mine = io::block_for_rank(rows, comm.rank(), comm.size());
  // Rank 0 holds the largest block, so its chunk count is everyone's: ranks that run out of
  // rows keep joining the collective writes with empty chunks.
  const std::uint64_t steps = io::chunk_count(io::block_for_rank(rows, 0, comm.size()).count, cfg.chunk_rows);
  data::SyntheticBlock block;
  Stopwatch clock;
  for (std::uint64_t s = 0; s < steps; ++s) {
    const io::RowBlock chunk = io::chunk_of(mine, cfg.chunk_rows, s);
    if (cfg.period == 2)
      data::generate_period_two_block(cfg.seed, plan, cfg.drift, chunk, block, cfg.wide);
    else
      data::generate_block(cfg.seed, chunk, block, cfg.wide);
    mpi::agree(comm, [&] { write_chunk(file, chunk, block); });
    if (steps > 1)
      log.info("  wrote step " + std::to_string(s + 1) + "/" + std::to_string(steps) + " (" +
               std::to_string(static_cast<int>(100.0 * static_cast<double>(s + 1) / static_cast<double>(steps))) +
               "%, " + std::to_string(clock.seconds()) + " s)");
  }
  return clock.seconds();
}

int generate(const mpi::Communicator& comm, int argc, char** argv) {
  config::GenerateConfig cfg;
  bool run = false;
  mpi::agree(comm, [&] { run = config::parse_generate_config(argc, argv, comm.rank(), cfg); });
  if (!run) return 0;
  const Logger log(comm.rank(), cfg.common.verbosity());
  const ThreadLimit threads(cfg.common.threads);
  if (cfg.transactions) return generate_transaction_log(comm, cfg, log);
  // Period 2 has its own number of rows: the kept customers plus the new ones.
  const data::PeriodTwoPlan plan = data::period_two_plan(cfg.rows);
  const std::uint64_t rows = cfg.period == 2 ? plan.rows : cfg.rows;
  io::OutputLock lock;  // rank 0; released when the job ends, however it ends
  mpi::agree(comm, [&] {
    if (!comm.is_root()) return;
    // generate reads only its INI file.
    io::refuse_outputs_over_inputs({{cfg.output, "--output"}, {cfg.output + ".partial", "--output"}},
                                   {{cfg.common.config_file, "--config"}});
    lock = io::lock_output_file(cfg.output, "generate");
    io::prepare_output_file(cfg.output, cfg.common.overwrite);
    io::require_free_space(cfg.output, table_bytes(rows, cfg.wide));
    std::error_code ec;  // --overwrite: the old table goes before anything new is written
    if (cfg.common.overwrite) std::filesystem::remove(cfg.output, ec);
    if (ec) throw_output("--overwrite: cannot remove the earlier " + cfg.output + ": " + ec.message());
  });

  if (cfg.period == 2)
    log.info("generate --period 2: of " + std::to_string(cfg.rows) + " period-1 customers " + std::to_string(plan.lost) +
             " lost, " + std::to_string(plan.kept) + " kept (drift " + std::to_string(cfg.drift) + "), " +
             std::to_string(plan.added) + " new");
  log.info("generate: " + std::to_string(rows) + " customers, seed " + std::to_string(cfg.seed) + ", " +
           std::to_string(comm.size()) + " ranks" + (cfg.wide ? ", wide (16 behavioural columns)" : "") + " -> " +
           cfg.output);
  double seconds = 0;
  io::PartialFile partial(cfg.output, comm.is_root());  // removed unless committed
  const CleanupPaths partials = partial_removed_on_stop(cfg.output);
  std::optional<io::File> file;
  try {
    mpi::agree(comm, [&] {
      file.emplace(io::File::create(partial.path(), comm, io::Layout{cfg.alignment, cfg.chunk_size}));
    });
    // The whole table's space, before the first write: a full disk cannot stop it half-way.
    mpi::agree(comm, [&] {
      if (comm.is_root()) io::reserve_space(partial.path(), table_bytes(rows, cfg.wide) + cfg.alignment * 24);
    });
    mpi::agree(comm, [&] {
      create_columns(*file, rows, cfg);
    });
    test_hold("write");
    seconds = write_rows(comm, cfg, plan, rows, *file, log);
    mpi::agree(comm, [&] { file->close(); });
  } catch (...) {
    if (file) file->discard();  // errors are agreed: every rank is here; frees the space first
    throw;
  }
  mpi::agree(comm, [&] { partial.commit(); });  // only a complete file gets the final name

  log.info("generate: done in " + std::to_string(seconds) + " s (" +
           std::to_string(static_cast<double>(rows) / std::max(seconds, 1e-9) / 1e6) +
           " M rows/s); peak memory rank 0: " + format_bytes(peak_rss_bytes()));
  return 0;
}

}  // namespace custseg::jobs
