#include "custseg/report/compare_reports.hpp"
#include "custseg/report/text_reports.hpp"

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "custseg/compare/migration.hpp"
#include "custseg/report/segment_order.hpp"
#include "custseg/util/error.hpp"

namespace custseg::report {

namespace {

using compare::CompareResult;
using nlohmann::json;

std::string exact(double v) {
  if (!std::isfinite(v)) return "";
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

}  // namespace

std::string row_label(const CompareResult& r, std::size_t row) {
  return row + 1 == r.rows() ? "new" : std::to_string(r.previous.segment_ids[row]);
}
std::string col_label(const CompareResult& r, std::size_t col) {
  return col + 1 == r.cols() ? "lost" : std::to_string(r.current.segment_ids[col]);
}

std::vector<std::size_t> row_order(const CompareResult& r) {
  auto order = indices_by_id(r.previous.segment_ids, r.rows() - 1);
  order.push_back(r.rows() - 1);  // new
  return order;
}
std::vector<std::size_t> col_order(const CompareResult& r) {
  auto order = indices_by_id(r.current.segment_ids, r.cols() - 1);
  order.push_back(r.cols() - 1);  // lost
  return order;
}

std::string migration_csv(const CompareResult& r) {
  std::string out = "previous_segment,current_segment,customers,share_of_previous";
  for (const auto& k : r.kpi_names) {
    out += ',';
    const bool quote = k.find_first_of(",\"") != std::string::npos;  // column names as written
    if (quote) out += '"';
    out += k;
    if (quote) out += '"';
  }
  out += "\n";
  const std::size_t m = r.kpi_names.size();
  for (const std::size_t row : row_order(r)) {
    const std::int64_t total = r.row_total(row);
    for (const std::size_t col : col_order(r)) {
      if (row + 1 == r.rows() && col + 1 == r.cols()) continue;  // (new, lost): empty by definition
      const std::int64_t n = r.count(row, col);
      // Appends, not operator+ chains: GCC 12 warns (-Wrestrict, falsely) on "," + std::string&&.
      for (const std::string& field : {row_label(r, row), col_label(r, col), std::to_string(n)}) {
        out += field;
        out += ',';
      }
      out += total > 0 ? exact(static_cast<double>(n) / static_cast<double>(total)) : "0";
      for (std::size_t k = 0; k < m; ++k) {
        out += ',';
        out += exact(r.kpi_sums[(row * r.cols() + col) * m + k]);
      }
      out += '\n';
    }
  }
  return out;
}

namespace {

// Rows and columns in row_order / col_order; the matrix stays rectangular, so (new, lost) is a 0.
json matrix_json(const CompareResult& r) {
  const auto rows = row_order(r), cols = col_order(r);
  json counts = json::array();
  for (const std::size_t row : rows) {
    json line = json::array();
    for (const std::size_t col : cols) line.push_back(r.count(row, col));
    counts.push_back(line);
  }
  json kpis = json::object();
  const std::size_t m = r.kpi_names.size();
  for (std::size_t k = 0; k < m; ++k) {
    json rows = json::array();
    for (const std::size_t row : rows) {
      json line = json::array();
      for (const std::size_t col : cols) line.push_back(r.kpi_sums[(row * r.cols() + col) * m + k]);
      rows.push_back(line);
    }
    kpis[r.kpi_names[k]] = rows;
  }
  json labels_prev = json::array(), labels_cur = json::array();
  for (const std::size_t row : rows) labels_prev.push_back(row_label(r, row));
  for (const std::size_t col : cols) labels_cur.push_back(col_label(r, col));
  return {{"rows", labels_prev}, {"columns", labels_cur}, {"customers", counts}, {"kpi_sums", kpis},
          {"kpi_rule", "previous-period KPI value for customers in the previous run, current-period value for new ones"}};
}

json drift_json(const CompareResult& r) {
  json segs = json::array();
  for (const auto& s : r.drift.segments)
    segs.push_back({{"segment_id", s.id},
                    {"distance_scaled", std::isfinite(s.distance) ? json(s.distance) : json(nullptr)},
                    {"change_original_units", s.change}});
  return {{"computable", r.drift.computable}, {"note", r.drift.note}, {"features", r.drift.features},
          {"segments", segs}, {"only_previous", r.drift.only_previous}, {"only_current", r.drift.only_current}};
}

json stability_json(const CompareResult& r) {
  json out = json::array();
  for (const auto& s : r.stability)
    out.push_back({{"feature", s.feature}, {"psi", std::isfinite(s.psi) ? json(s.psi) : json(nullptr)},
                   {"reading", compare::psi_reading(s.psi)}, {"edges", s.edges}, {"previous_counts", s.previous},
                   {"current_counts", s.current}});
  return out;
}

}  // namespace

std::string compare_json(const CompareResult& r) {
  json j;
  j["schema_version"] = "1.0";
  j["job"] = "compare";
  j["previous"] = {{"results", r.previous.path}, {"input", r.previous_input}, {"rows", r.previous.assignment_rows},
                   {"dropped_rows", r.previous_dropped}, {"k", r.previous.k}};
  j["current"] = {{"results", r.current.path}, {"input", r.current_input}, {"rows", r.current.assignment_rows},
                  {"dropped_rows", r.current_dropped}, {"k", r.current.k}};
  j["customers"] = {{"in_both", r.in_both()}, {"new", r.fresh()}, {"lost", r.lost()}};
  j["adjusted_rand_index"] = std::isfinite(r.ari) ? json(r.ari) : json(nullptr);
  j["migration"] = matrix_json(r);
  j["centroid_drift"] = drift_json(r);
  j["feature_stability"] = {{"bins", compare::kPsiBins}, {"epsilon", compare::kPsiEpsilon}, {"features", stability_json(r)}};
  j["notes"] = r.notes;
  j["n_ranks"] = r.n_ranks;
  j["timing"] = {{"wall_seconds", r.wall_seconds}, {"seconds_per_rank", r.seconds_per_rank},
                 {"peak_rss_bytes_per_rank", r.peak_rss_per_rank}};
  return j.dump(2) + "\n";
}

void write_compare_outputs(const std::string& dir, const CompareResult& r) {
  namespace fs = std::filesystem;
  // migration.csv, the completion file (docs/outputs.md), is renamed last: a folder that has it
  // has the reports too.
  const std::vector<std::pair<std::string, std::string>> files{
      {"report.json", compare_json(r)}, {"report.html", compare_html(r)}, {"migration.csv", migration_csv(r)}};
  try {
    for (const auto& [name, text] : files) write_file_atomically((fs::path(dir) / name).string(), text);
  } catch (const std::exception& e) {
    std::error_code ignored;
    for (const auto& [name, text] : files) fs::remove(fs::path(dir) / name, ignored);
    if (dynamic_cast<const Error*>(&e)) throw;
    throw_output(std::string("writing the compare outputs in ") + dir + ": " + e.what());
  }
}

}  // namespace custseg::report
