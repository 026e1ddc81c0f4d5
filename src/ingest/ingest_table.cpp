#include "custseg/ingest/ingest_table.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <limits>
#include <map>
#include <optional>
#include <set>

#include "custseg/ingest/csv_source.hpp"
#include "custseg/ingest/global_labels.hpp"
#include "custseg/ingest/pseudonymize_ids.hpp"
#include "custseg/ingest/table_columns.hpp"
#include "custseg/ingest/table_writer.hpp"
#include "custseg/ingest/values.hpp"
#include "custseg/mpi/alltoallv.hpp"
#include "custseg/mpi/collective_guard.hpp"
#include "custseg/report/text_reports.hpp"
#include "custseg/util/error.hpp"

namespace custseg::ingest {

namespace {

// Which CSV columns become what: the id column (or row numbers) and the data columns' names.
struct ColumnPlan {
  bool numbered = false;             // --id-column none: ids are row numbers from 1
  std::size_t id_index = 0;          // the id column in the header (header size when numbered)
  std::vector<std::size_t> data_columns;  // header index of each data column
  std::vector<std::string> names;         // its table name
};

// This rank's parse: its rows and their lines, each column's profile, and whether an id is text.
struct LocalRows {
  std::vector<std::vector<std::string>> values;  // [row][column], this rank's parts in file order
  std::vector<std::uint64_t> part_rows;          // rows per owned part
  std::vector<std::uint64_t> lines;              // the line each row starts on
  std::vector<ColumnProfile> profiles;           // per data column
  bool ids_textual = false;                      // some id on this rank is text
  std::uint64_t blank_lines = 0;
};

struct TableIds {
  IdKind kind = IdKind::integer;
  std::vector<std::uint64_t> ids;  // integer ids: this rank's rows
  std::vector<std::string> text;   // text ids: all rows, in global row order, on every rank
};

// Profiles merged across ranks: flags by min, counts by sum, integer range by min/max.
std::vector<ColumnProfile> reduce_profiles(const mpi::Communicator& comm, const std::vector<ColumnProfile>& local) {
  const std::size_t n = local.size();
  std::vector<std::uint64_t> sums;
  std::vector<std::int64_t> mins, maxs;
  for (const auto& p : local) {
    sums.insert(sums.end(), {p.values, p.missing});
    mins.insert(mins.end(), {p.all_integer ? 1 : 0, p.all_number ? 1 : 0, p.all_number_other ? 1 : 0, p.min});
    maxs.push_back(p.max);
  }
  comm.allreduce_sum(std::span<std::uint64_t>(sums));
  comm.allreduce_min(std::span<std::int64_t>(mins));
  comm.allreduce_max(std::span<std::int64_t>(maxs));
  std::vector<ColumnProfile> out(n);
  for (std::size_t j = 0; j < n; ++j) {
    out[j].values = sums[2 * j];
    out[j].missing = sums[2 * j + 1];
    out[j].all_integer = mins[4 * j] == 1;
    out[j].all_number = mins[4 * j + 1] == 1;
    out[j].all_number_other = mins[4 * j + 2] == 1;
    out[j].min = mins[4 * j + 3];
    out[j].max = maxs[j];
  }
  return out;
}

std::string join_names(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

// Collective (agreed errors): the id column and unique table names for the other columns.
ColumnPlan plan_columns(const mpi::Communicator& comm, const IngestConfig& cfg, const std::vector<std::string>& header) {
  ColumnPlan c;
  c.numbered = cfg.columns.customer_id == "none";
  c.id_index = header.size();
  mpi::agree(comm, [&] {
    if (!c.numbered) {
      const auto found = find_name(header, cfg.columns.customer_id);
      if (!found)
        throw_usage("--id-column '" + cfg.columns.customer_id + "' is not a column of " + cfg.table + " (columns: " +
                    join_names(header) + "; use --id-column none to number the rows)");
      c.id_index = *found;
    }
    for (std::size_t j = 0; j < header.size(); ++j) {
      if (j == c.id_index) continue;
      // Names as the source wrote them; header_names already refused duplicates, and the escape
      // is one-to-one, so only the id column's fixed name can collide.
      const std::string name = hdf5_link_name(header[j]);
      if (name == "customer_id")
        throw_input(cfg.table + ": column 'customer_id' is not the --id-column (" + cfg.columns.customer_id +
                    "), but the table's id column has that name; rename one of them");
      c.data_columns.push_back(j);
      c.names.push_back(name);
    }
  });
  return c;
}

// Local step: parse this rank's parts and profile every column (parse errors agreed).
LocalRows parse_rows(const mpi::Communicator& comm, const IngestConfig& cfg, const InputFile& file, const CsvPlan& plan,
                     const ColumnPlan& columns, const Logger& log) {
  LocalRows local;
  local.profiles.resize(columns.data_columns.size());
  const char decimal = value_format(cfg).decimal;
  const PartStats parsed = parse_my_parts(
      comm, file, plan,
      [&](const CsvRecord& r) {
        local.values.push_back(r.fields());
        local.lines.push_back(r.line());
        for (std::size_t k = 0; k < columns.data_columns.size(); ++k)
          local.profiles[k].add(r.field(columns.data_columns[k]), decimal);
        if (!columns.numbered && looks_textual(r.field(columns.id_index))) local.ids_textual = true;
      },
      [&, progress = PartProgress(log, plan)](const CsvPart& part, const PartStats& stats) mutable {
        local.part_rows.push_back(stats.records);
        progress(part, stats);
      });
  local.blank_lines = parsed.blank_lines;
  return local;
}

// Collective: the global row numbers of this rank's parts (parts are numbered in file order).
TableLayout number_rows(const mpi::Communicator& comm, const IngestConfig& cfg, const CsvPlan& plan,
                        const std::vector<std::uint64_t>& part_rows) {
  std::vector<std::int64_t> mine;
  for (std::size_t i = 0; i < plan.mine.size(); ++i)
    mine.insert(mine.end(), {static_cast<std::int64_t>(plan.mine[i].index), static_cast<std::int64_t>(part_rows[i])});
  const std::vector<std::int64_t> all_parts = comm.allgatherv(std::span<const std::int64_t>(mine));
  std::vector<std::uint64_t> rows_of_part(plan.parts, 0);
  for (std::size_t i = 0; i + 1 < all_parts.size(); i += 2)
    rows_of_part[static_cast<std::size_t>(all_parts[i])] = static_cast<std::uint64_t>(all_parts[i + 1]);
  std::vector<std::uint64_t> part_start(plan.parts + 1, 0);
  for (std::uint64_t p = 0; p < plan.parts; ++p) part_start[p + 1] = part_start[p] + rows_of_part[p];
  const std::uint64_t total = part_start[plan.parts];
  mpi::agree(comm, [&] {
    if (total == 0) throw_input(cfg.table + " has a header line but no data rows");
  });
  TableLayout layout;
  layout.total_rows = total;
  layout.max_blocks = plan.max_parts_per_rank;
  for (std::size_t i = 0; i < plan.mine.size(); ++i)
    layout.blocks.push_back({part_start[plan.mine[i].index], part_rows[i]});
  return layout;
}

// Collective: throws on every rank the error of the first row (in file order) that `bad`
// refuses; `bad` returns the reason or nothing.
template <class Bad>
void refuse_first_bad_row(const mpi::Communicator& comm, const IngestConfig& cfg, const ColumnPlan& columns,
                          const LocalRows& local, Bad&& bad) {
  constexpr auto none = std::numeric_limits<std::int64_t>::max();
  std::int64_t mine = none;
  std::string message;
  for (std::size_t i = 0; i < local.values.size() && mine == none; ++i) {
    const std::string& id = local.values[i][columns.id_index];
    if (const std::optional<std::string> why = bad(id)) {
      mine = static_cast<std::int64_t>(local.lines[i]);
      // The line, never the id (docs/privacy.md).
      message = cfg.table + ": line " + std::to_string(local.lines[i]) + ": the customer id " + *why;
    }
  }
  const std::int64_t first = comm.min(mine);
  mpi::agree(comm, [&] {
    if (first != none && mine == first) throw_input(message);
  });
}

std::vector<std::int64_t> local_lines(const LocalRows& local) {
  return {local.lines.begin(), local.lines.end()};
}

// Agreed (every rank holds the same pairs): an input error naming the first repeated id by the
// lines of its first and its repeating row, never by the id itself (docs/privacy.md).
template <class Id>
void refuse_repeated_ids(const IngestConfig& cfg, std::vector<std::pair<Id, std::int64_t>> ids_and_lines) {
  std::sort(ids_and_lines.begin(), ids_and_lines.end());
  std::int64_t first = 0, repeat = std::numeric_limits<std::int64_t>::max();
  for (std::size_t i = 1, group = 0; i < ids_and_lines.size(); ++i) {
    if (ids_and_lines[i].first != ids_and_lines[group].first) {
      group = i;
    } else if (ids_and_lines[i].second < repeat) {
      repeat = ids_and_lines[i].second;
      first = ids_and_lines[group].second;
    }
  }
  if (repeat != std::numeric_limits<std::int64_t>::max())
    throw_input(cfg.table + ": lines " + std::to_string(first) + " and " + std::to_string(repeat) +
                " hold the same customer id (the first repeat); ids must be unique");
}

// Collective: the ids of a numeric id column, each an exact non-negative integer, checked
// unique across ranks.
TableIds integer_ids(const mpi::Communicator& comm, const IngestConfig& cfg, const ColumnPlan& columns,
                     const LocalRows& local) {
  refuse_first_bad_row(comm, cfg, columns, local, [](const std::string& id) -> std::optional<std::string> {
    if (parse_id(id)) return std::nullopt;
    if (is_missing(id)) return std::string("is missing (every row needs its customer's id; --id-column none numbers the rows)");
    return std::string("is not a non-negative integer (negative, fractional and >= 2^64 ids would become other "
                       "customers' ids; a textual id column is kept as written)");
  });
  TableIds out;
  for (const auto& row : local.values) out.ids.push_back(*parse_id(row[columns.id_index]));
  // Ids and lines of all rows on every rank (16 bytes per customer: tables are small) to find duplicates.
  std::vector<std::int64_t> as_signed(out.ids.begin(), out.ids.end());
  const std::vector<std::int64_t> all_ids = comm.allgatherv(std::span<const std::int64_t>(as_signed));
  const std::vector<std::int64_t> all_lines = comm.allgatherv(std::span<const std::int64_t>(local_lines(local)));
  std::vector<std::pair<std::uint64_t, std::int64_t>> sorted;
  for (std::size_t i = 0; i < all_ids.size(); ++i) sorted.emplace_back(static_cast<std::uint64_t>(all_ids[i]), all_lines[i]);
  refuse_repeated_ids(cfg, std::move(sorted));
  return out;
}

// Collective: the ids of a textual id column as written (quotes removed by the CSV parser),
// all rows on every rank in global row order, checked present and unique.
TableIds text_ids(const mpi::Communicator& comm, const IngestConfig& cfg, const ColumnPlan& columns,
                  const LocalRows& local, const TableLayout& layout) {
  refuse_first_bad_row(comm, cfg, columns, local, [](const std::string& id) -> std::optional<std::string> {
    if (is_missing(id)) return std::string("is missing (every row needs its customer's id)");
    if (id.find('\0') != std::string::npos) return std::string("contains a NUL byte");
    return std::nullopt;
  });
  std::vector<std::string> mine;
  std::vector<std::int64_t> rows;
  for (const auto& row : local.values) mine.push_back(row[columns.id_index]);
  for (const auto& b : layout.blocks)
    for (std::uint64_t r = 0; r < b.count; ++r) rows.push_back(static_cast<std::int64_t>(b.begin + r));
  // Both gathers concatenate in rank order, so the i-th string belongs to the i-th row number.
  const mpi::ReceivedBytes got = mpi::allgatherv_bytes(comm, mpi::pack_strings(mine));
  const std::vector<std::string> strings = mpi::unpack_strings(got.bytes.data(), got.bytes.size());
  const std::vector<std::int64_t> positions = comm.allgatherv(std::span<const std::int64_t>(rows));
  TableIds out;
  out.kind = IdKind::text;
  out.text.resize(layout.total_rows);
  for (std::size_t i = 0; i < strings.size(); ++i) out.text[static_cast<std::size_t>(positions[i])] = strings[i];
  const std::vector<std::int64_t> lines = comm.allgatherv(std::span<const std::int64_t>(local_lines(local)));
  std::vector<std::pair<std::string, std::int64_t>> sorted;
  for (std::size_t i = 0; i < strings.size(); ++i) sorted.emplace_back(strings[i], lines[i]);
  refuse_repeated_ids(cfg, std::move(sorted));
  return out;
}

// Row numbers from 1 in global row order (no collective).
TableIds number_ids(const TableLayout& layout) {
  TableIds out;
  for (const auto& b : layout.blocks)
    for (std::uint64_t r = 0; r < b.count; ++r) out.ids.push_back(b.begin + r + 1);
  return out;
}

std::vector<std::pair<std::string, std::string>> id_attributes(const std::vector<std::string>& header,
                                                              const ColumnPlan& columns) {
  std::vector<std::pair<std::string, std::string>> a{{"role", "id"}};
  if (!columns.numbered) a.emplace_back("source_name", header[columns.id_index]);
  return a;
}

// Collective (the labels): a categorical column as codes into the sorted global labels; int32
// when no value is missing, else float64 with NaN for a missing label.
void fill_categorical(const mpi::Communicator& comm, const LocalRows& local, std::size_t j, const ColumnProfile& global,
                      OutputColumn& out) {
  constexpr double nan = std::numeric_limits<double>::quiet_NaN();
  std::set<std::string> mine_labels;
  for (const auto& row : local.values)
    if (!is_missing(row[j])) mine_labels.insert(std::string(trim(row[j])));
  out.categories = global_labels(comm, mine_labels);
  auto code = [&](const std::string& v) {
    return std::lower_bound(out.categories.begin(), out.categories.end(), std::string(trim(v))) - out.categories.begin();
  };
  if (global.missing == 0) {
    std::vector<std::int32_t> codes;
    for (const auto& row : local.values) codes.push_back(static_cast<std::int32_t>(code(row[j])));
    out.values = std::move(codes);
  } else {
    std::vector<double> codes;  // NaN marks a missing label
    for (const auto& row : local.values) codes.push_back(is_missing(row[j]) ? nan : static_cast<double>(code(row[j])));
    out.values = std::move(codes);
  }
}

// Local: a numeric column's values in the type agreed across ranks.
void fill_numeric(const LocalRows& local, std::size_t j, ColumnType type, char decimal, OutputColumn& out) {
  constexpr double nan = std::numeric_limits<double>::quiet_NaN();
  if (type == ColumnType::int32) {
    std::vector<std::int32_t> v;
    for (const auto& row : local.values) v.push_back(static_cast<std::int32_t>(*parse_integer(row[j], decimal)));
    out.values = std::move(v);
  } else if (type == ColumnType::int64) {
    std::vector<std::int64_t> v;
    for (const auto& row : local.values) v.push_back(*parse_integer(row[j], decimal));
    out.values = std::move(v);
  } else {
    std::vector<double> v;
    for (const auto& row : local.values) v.push_back(is_missing(row[j]) ? nan : *parse_number(row[j], decimal));
    out.values = std::move(v);
  }
}

// Agreed: a column of numbers that only the other decimal mark reads ("12,75" under '.') is
// refused with the option that reads it, rather than typed as categories of number-like labels.
void refuse_other_decimal(const mpi::Communicator& comm, const IngestConfig& cfg, const ColumnPlan& plan,
                          const std::vector<std::string>& header, const std::vector<ColumnProfile>& global) {
  mpi::agree(comm, [&] {
    const char other = value_format(cfg).decimal == '.' ? ',' : '.';
    for (std::size_t k = 0; k < plan.data_columns.size(); ++k)
      if (global[k].type() == ColumnType::categorical && global[k].all_number_other && global[k].values > 0)
        throw_input(cfg.table + ": column '" + header[plan.data_columns[k]] + "' holds numbers written with '" +
                    std::string(1, other) + "' as the decimal mark; pass --decimal '" + std::string(1, other) + "'");
  });
}

// The typed output columns (id first) and their entries of the quality report. Collective: the
// profile reduction, and one label gather per categorical column.
struct TypedColumns {
  std::vector<OutputColumn> columns;
  nlohmann::json report = nlohmann::json::object();
  std::vector<ColumnProfile> global;  // per data column
};

TypedColumns type_columns(const mpi::Communicator& comm, const IngestConfig& cfg, const ColumnPlan& plan,
                          const std::vector<std::string>& header, const LocalRows& local) {
  TypedColumns out;
  out.global = reduce_profiles(comm, local.profiles);
  refuse_other_decimal(comm, cfg, plan, header, out.global);
  const char decimal = value_format(cfg).decimal;
  for (std::size_t k = 0; k < plan.data_columns.size(); ++k) {
    const std::size_t j = plan.data_columns[k];
    const ColumnType type = out.global[k].type();
    OutputColumn column{plan.names[k], std::vector<double>{}, {}, {{"source_name", header[j]}}};
    if (type == ColumnType::categorical) fill_categorical(comm, local, j, out.global[k], column);
    else fill_numeric(local, j, type, decimal, column);
    nlohmann::json c;
    c["source_name"] = header[j];
    c["type"] = to_string(type);
    c["missing"] = out.global[k].missing;
    if (type == ColumnType::categorical) c["categories"] = column.categories;
    out.report[plan.names[k]] = c;
    out.columns.push_back(std::move(column));
  }
  return out;
}

// Collective (agreed): writes the report on rank 0.
void write_report(const mpi::Communicator& comm, const IngestConfig& cfg, const nlohmann::json& report) {
  mpi::agree(comm, [&] {
    if (!comm.is_root()) return;
    // Under a temporary name renamed when complete, like every output (docs/outputs.md).
    report::write_file_atomically(quality_report_path(cfg.output), report.dump(2) + "\n");
  });
}

// Logs the missing values per column; with --strict any missing value fails on every rank.
void check_missing(const mpi::Communicator& comm, const IngestConfig& cfg, const Logger& log, const ColumnPlan& plan,
                   const std::vector<ColumnProfile>& global, std::uint64_t total) {
  std::uint64_t missing_total = 0;
  std::string missing_text;
  for (std::size_t k = 0; k < plan.names.size(); ++k) {
    missing_total += global[k].missing;
    if (global[k].missing > 0) missing_text += " " + plan.names[k] + "=" + std::to_string(global[k].missing);
  }
  log.info("  " + std::to_string(total) + " rows, " + std::to_string(plan.names.size()) + " columns; missing values: " +
           (missing_total == 0 ? std::string("none") : std::to_string(missing_total) + " (" + missing_text.substr(1) + ")"));
  mpi::agree(comm, [&] {
    if (cfg.strict && missing_total > 0)
      throw_input("--strict: " + std::to_string(missing_total) + " missing values (see " +
                  quality_report_path(cfg.output) + "); no table written");
  });
}

}  // namespace

nlohmann::json ingest_table(const mpi::Communicator& comm, const IngestConfig& cfg, const Logger& log,
                            const Pseudonymizer* pseudonyms) {
  std::optional<InputFile> file;
  mpi::agree(comm, [&] { file.emplace(cfg.table); });
  const CsvPlan plan = plan_csv_parts(comm, *file, cfg.read_block_bytes, header_spec(cfg));
  const auto& header = plan.header.names;
  const ColumnPlan columns = plan_columns(comm, cfg, header);
  log.info("ingest: table " + cfg.table + " (" + std::to_string(header.size()) + " columns) -> " + cfg.output);

  LocalRows local = parse_rows(comm, cfg, *file, plan, columns, log);
  TableLayout layout = number_rows(comm, cfg, plan, local.part_rows);
  // The id column's kind is decided on all ranks' values: one textual id makes it text.
  const bool textual = !columns.numbered && comm.max(static_cast<std::int64_t>(local.ids_textual ? 1 : 0)) == 1;
  TableIds ids = columns.numbered ? number_ids(layout)
                 : textual        ? text_ids(comm, cfg, columns, local, layout)
                                  : integer_ids(comm, cfg, columns, local);
  TypedColumns typed = type_columns(comm, cfg, columns, header, local);
  std::vector<TextColumn> text_columns;
  if (ids.kind == IdKind::text) {
    text_columns.push_back({"customer_id", std::move(ids.text), id_attributes(header, columns)});
  } else {
    typed.columns.insert(typed.columns.begin(), OutputColumn{"customer_id", std::move(ids.ids), {}, id_attributes(header, columns)});
  }

  nlohmann::json report;
  report["input"] = cfg.table;
  report["rows_read"] = layout.total_rows;
  report["blank_lines_skipped"] = comm.sum(local.blank_lines);
  report["id"] = columns.numbered ? nlohmann::json("row number from 1") : nlohmann::json(cfg.columns.customer_id);
  report["id_type"] = textual ? "string" : "integer";
  report["columns"] = typed.report;
  write_report(comm, cfg, report);
  check_missing(comm, cfg, log, columns, typed.global, layout.total_rows);
  layout.group_attributes = {{"source", std::filesystem::path(cfg.table).filename().string()},
                             {"generator", "custseg ingest --table"}};
  if (pseudonyms) pseudonymize_id_column(comm, *pseudonyms, layout, typed.columns, text_columns);
  write_customer_table(comm, cfg.output, layout, typed.columns, text_columns);
  log.info("ingest: wrote " + std::to_string(layout.total_rows) + " customers to " + cfg.output);
  return report;
}

}  // namespace custseg::ingest
