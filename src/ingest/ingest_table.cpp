#include "custseg/ingest/ingest_table.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <optional>
#include <set>

#include "custseg/ingest/csv_source.hpp"
#include "custseg/ingest/table_columns.hpp"
#include "custseg/ingest/table_writer.hpp"
#include "custseg/ingest/values.hpp"
#include "custseg/mpi/alltoallv.hpp"
#include "custseg/mpi/collective_guard.hpp"
#include "custseg/util/error.hpp"

namespace custseg::ingest {

namespace {

struct LocalRows {
  std::vector<std::vector<std::string>> values;  // [row][column], this rank's parts in file order
  std::vector<std::uint64_t> part_rows;          // rows per owned part
};

// Profiles merged across ranks: flags by min, counts by sum, integer range by min/max.
std::vector<ColumnProfile> reduce_profiles(const mpi::Communicator& comm, const std::vector<ColumnProfile>& local) {
  const std::size_t n = local.size();
  std::vector<std::uint64_t> sums;
  std::vector<std::int64_t> mins, maxs;
  for (const auto& p : local) {
    sums.insert(sums.end(), {p.values, p.missing});
    mins.insert(mins.end(), {p.all_integer ? 1 : 0, p.all_number ? 1 : 0, p.min});
    maxs.push_back(p.max);
  }
  comm.allreduce_sum(std::span<std::uint64_t>(sums));
  comm.allreduce_min(std::span<std::int64_t>(mins));
  comm.allreduce_max(std::span<std::int64_t>(maxs));
  std::vector<ColumnProfile> out(n);
  for (std::size_t j = 0; j < n; ++j) {
    out[j].values = sums[2 * j];
    out[j].missing = sums[2 * j + 1];
    out[j].all_integer = mins[3 * j] == 1;
    out[j].all_number = mins[3 * j + 1] == 1;
    out[j].min = mins[3 * j + 2];
    out[j].max = maxs[j];
  }
  return out;
}

std::vector<std::string> global_labels(const mpi::Communicator& comm, const std::set<std::string>& mine) {
  const mpi::ReceivedBytes got = mpi::allgatherv_bytes(comm, mpi::pack_strings({mine.begin(), mine.end()}));
  const auto all = mpi::unpack_strings(got.bytes.data(), got.bytes.size());
  const std::set<std::string> merged(all.begin(), all.end());
  return {merged.begin(), merged.end()};  // sorted: codes do not depend on the rank count
}

}  // namespace

nlohmann::json ingest_table(const mpi::Communicator& comm, const IngestConfig& cfg, const Logger& log) {
  std::optional<InputFile> file;
  mpi::agree(comm, [&] { file.emplace(cfg.table); });
  const CsvPlan plan = plan_csv_parts(comm, *file, cfg.read_block_bytes);
  const auto& header = plan.header.names;
  const bool numbered = cfg.columns.customer_id == "none";
  std::size_t id_index = header.size();
  std::vector<std::size_t> data_columns;
  std::vector<std::string> names;
  mpi::agree(comm, [&] {
    if (!numbered) {
      const auto it = std::find(header.begin(), header.end(), cfg.columns.customer_id);
      if (it == header.end())
        throw_usage("--id-column '" + cfg.columns.customer_id + "' is not a column of " + cfg.table +
                    " (use --id-column none to number the rows)");
      id_index = static_cast<std::size_t>(it - header.begin());
    }
    std::set<std::string> seen{"customer_id"};
    for (std::size_t j = 0; j < header.size(); ++j) {
      if (j == id_index) continue;
      const std::string name = column_name(header[j]);
      if (!seen.insert(name).second)
        throw_input(cfg.table + ": column '" + header[j] + "' becomes '" + name + "', which another column already uses");
      data_columns.push_back(j);
      names.push_back(name);
    }
  });
  log.info("ingest: table " + cfg.table + " (" + std::to_string(header.size()) + " columns) -> " + cfg.output);

  // --- local step: parse, profile every column, split the ids ---
  LocalRows local;
  std::vector<ColumnProfile> profiles(data_columns.size());
  std::set<std::string> id_prefixes;
  const PartStats parsed = parse_my_parts(
      comm, *file, plan,
      [&](const CsvRecord& r) {
        local.values.push_back(r.fields());
        for (std::size_t k = 0; k < data_columns.size(); ++k) profiles[k].add(r.field(data_columns[k]));
        if (!numbered) {
          const auto id = split_id(r.field(id_index));
          if (!id)
            throw_input(cfg.table + ": customer id '" + std::string(r.field(id_index)) + "' on line " +
                        std::to_string(r.line()) + " is not an integer (optionally after a prefix such as 'C'); "
                        "use --id-column none to number the rows");
          id_prefixes.insert(id->prefix);
        }
      },
      [&](const CsvPart&, const PartStats& stats) { local.part_rows.push_back(stats.records); });
  const std::uint64_t blank_lines = parsed.blank_lines;

  // --- global row numbers of this rank's parts (parts are numbered in file order) ---
  std::vector<std::int64_t> mine;
  for (std::size_t i = 0; i < plan.mine.size(); ++i)
    mine.insert(mine.end(), {static_cast<std::int64_t>(plan.mine[i].index), static_cast<std::int64_t>(local.part_rows[i])});
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
    layout.blocks.push_back({part_start[plan.mine[i].index], local.part_rows[i]});

  // --- ids ---
  std::vector<std::uint64_t> ids;
  std::string prefix;
  if (numbered) {
    for (const auto& b : layout.blocks)
      for (std::uint64_t r = 0; r < b.count; ++r) ids.push_back(b.begin + r + 1);
  } else {
    const std::vector<std::string> prefixes = global_labels(comm, id_prefixes);
    mpi::agree(comm, [&] {
      if (prefixes.size() > 1)
        throw_input(cfg.table + ": customer ids have different prefixes ('" + prefixes[0] + "', '" + prefixes[1] +
                    "'); use --id-column none to number the rows");
    });
    if (!prefixes.empty()) prefix = prefixes[0];
    for (const auto& row : local.values) ids.push_back(split_id(row[id_index])->number);
    // Ids of all rows on every rank (8 bytes per customer: tables are small) to find duplicates.
    std::vector<std::int64_t> as_signed(ids.begin(), ids.end());
    std::vector<std::int64_t> all_ids = comm.allgatherv(std::span<const std::int64_t>(as_signed));
    std::vector<std::uint64_t> sorted(all_ids.begin(), all_ids.end());
    std::sort(sorted.begin(), sorted.end());
    mpi::agree(comm, [&] {
      const auto dup = std::adjacent_find(sorted.begin(), sorted.end());
      if (dup != sorted.end())
        throw_input(cfg.table + ": customer id " + prefix + std::to_string(*dup) + " appears more than once");
    });
  }

  // --- types agreed across ranks, then labels of the categorical columns ---
  const std::vector<ColumnProfile> global = reduce_profiles(comm, profiles);
  std::vector<OutputColumn> columns;
  columns.push_back({"customer_id", ids, {}, {{"role", "id"}}});
  if (!numbered) columns.back().attributes.emplace_back("source_name", cfg.columns.customer_id);
  if (!prefix.empty()) columns.back().attributes.emplace_back("id_prefix", prefix);
  nlohmann::json report_columns = nlohmann::json::object();
  for (std::size_t k = 0; k < data_columns.size(); ++k) {
    const std::size_t j = data_columns[k];
    const ColumnType type = global[k].type();
    OutputColumn out{names[k], std::vector<double>{}, {}, {{"source_name", header[j]}}};
    constexpr double nan = std::numeric_limits<double>::quiet_NaN();
    if (type == ColumnType::categorical) {
      std::set<std::string> mine_labels;
      for (const auto& row : local.values)
        if (!is_missing(row[j])) mine_labels.insert(std::string(trim(row[j])));
      out.categories = global_labels(comm, mine_labels);
      auto code = [&](const std::string& v) {
        return std::lower_bound(out.categories.begin(), out.categories.end(), std::string(trim(v))) - out.categories.begin();
      };
      if (global[k].missing == 0) {
        std::vector<std::int32_t> codes;
        for (const auto& row : local.values) codes.push_back(static_cast<std::int32_t>(code(row[j])));
        out.values = std::move(codes);
      } else {
        std::vector<double> codes;  // NaN marks a missing label
        for (const auto& row : local.values) codes.push_back(is_missing(row[j]) ? nan : static_cast<double>(code(row[j])));
        out.values = std::move(codes);
      }
    } else if (type == ColumnType::int32) {
      std::vector<std::int32_t> v;
      for (const auto& row : local.values) v.push_back(static_cast<std::int32_t>(*parse_integer(row[j])));
      out.values = std::move(v);
    } else if (type == ColumnType::int64) {
      std::vector<std::int64_t> v;
      for (const auto& row : local.values) v.push_back(*parse_integer(row[j]));
      out.values = std::move(v);
    } else {
      std::vector<double> v;
      for (const auto& row : local.values) v.push_back(is_missing(row[j]) ? nan : *parse_number(row[j]));
      out.values = std::move(v);
    }
    nlohmann::json c;
    c["source_name"] = header[j];
    c["type"] = to_string(type);
    c["missing"] = global[k].missing;
    if (type == ColumnType::categorical) c["categories"] = out.categories;
    report_columns[names[k]] = c;
    columns.push_back(std::move(out));
  }

  nlohmann::json report;
  report["input"] = cfg.table;
  report["rows_read"] = total;
  report["blank_lines_skipped"] = comm.sum(blank_lines);
  report["id"] = numbered ? nlohmann::json("row number from 1") : nlohmann::json(cfg.columns.customer_id);
  if (!prefix.empty()) report["id_prefix"] = prefix;
  report["columns"] = report_columns;
  mpi::agree(comm, [&] {
    if (!comm.is_root()) return;
    std::ofstream out(quality_report_path(cfg.output));
    out << report.dump(2) << "\n";
    if (!out) throw_output("cannot write the quality report " + quality_report_path(cfg.output));
  });
  std::uint64_t missing_total = 0;
  std::string missing_text;
  for (std::size_t k = 0; k < names.size(); ++k) {
    missing_total += global[k].missing;
    if (global[k].missing > 0) missing_text += " " + names[k] + "=" + std::to_string(global[k].missing);
  }
  log.info("  " + std::to_string(total) + " rows, " + std::to_string(names.size()) + " columns; missing values: " +
           (missing_total == 0 ? std::string("none") : std::to_string(missing_total) + " (" + missing_text.substr(1) + ")"));
  mpi::agree(comm, [&] {
    if (cfg.strict && missing_total > 0)
      throw_input("--strict: " + std::to_string(missing_total) + " missing values (see " +
                  quality_report_path(cfg.output) + "); no table written");
  });
  layout.group_attributes = {{"source", std::filesystem::path(cfg.table).filename().string()},
                             {"generator", "custseg ingest --table"}};
  write_customer_table(comm, cfg.output, layout, columns);
  log.info("ingest: wrote " + std::to_string(total) + " customers to " + cfg.output);
  return report;
}

}  // namespace custseg::ingest
