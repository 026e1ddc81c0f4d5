#include "custseg/util/phase_timer.hpp"

#include <algorithm>
#include <fstream>
#include <iterator>
#include <numeric>

#include <nlohmann/json.hpp>

#include "custseg/io/hdf5.hpp"
#include "custseg/mpi/collective_guard.hpp"
#include "custseg/report/text_reports.hpp"
#include "custseg/util/error.hpp"

namespace custseg::timing {

namespace {

using nlohmann::ordered_json;

// Figures after the phases in the gathered vector, in this order.
enum Extra : std::size_t {
  kAllreduceSeconds,
  kAllreduceCalls,
  kAllreduceBytes,
  kReadSeconds,
  kReadBytes,
  kWriteSeconds,
  kWriteBytes,
  kCollective,
  kIndependent,
  kCauses,
  kRows,
  kPeakRss,
  kExtras
};

std::vector<std::pair<std::string, double>> split_read(const RankFigures& mine) {
  std::vector<std::pair<std::string, double>> out;
  for (const auto& [name, seconds] : mine.phases) {
    if (name == "read+prepare") {
      const double read = std::min(mine.read_io_seconds, seconds);
      out.emplace_back("read", read);
      out.emplace_back("transform", seconds - read);
    } else {
      out.emplace_back(name, seconds);
    }
  }
  return out;
}

ordered_json column(const std::vector<double>& all, std::size_t width, std::size_t index, int ranks) {
  ordered_json values = ordered_json::array();
  for (int r = 0; r < ranks; ++r) values.push_back(all[static_cast<std::size_t>(r) * width + index]);
  return values;
}

}  // namespace

CommCounter& lloyd_allreduce() {
  static CommCounter counter;
  return counter;
}

namespace {

// This rank's figures in one row: the phase seconds, then the kExtras counters.
std::vector<double> local_row(const std::vector<std::pair<std::string, double>>& phases, const RankFigures& mine) {
  const auto& io = io::transfer_stats();
  const auto& ar = lloyd_allreduce();
  std::vector<double> local;
  for (const auto& p : phases) local.push_back(p.second);
  const std::size_t n_phases = local.size();
  local.resize(n_phases + kExtras);
  double* extra = local.data() + n_phases;
  extra[kAllreduceSeconds] = ar.seconds;
  extra[kAllreduceCalls] = static_cast<double>(ar.calls);
  extra[kAllreduceBytes] = static_cast<double>(ar.bytes);
  extra[kReadSeconds] = io.read_seconds;
  extra[kReadBytes] = static_cast<double>(io.read_bytes);
  extra[kWriteSeconds] = io.write_seconds;
  extra[kWriteBytes] = static_cast<double>(io.write_bytes);
  extra[kCollective] = static_cast<double>(io.collective);
  extra[kIndependent] = static_cast<double>(io.independent);
  extra[kCauses] = static_cast<double>(io.no_collective_causes);
  extra[kRows] = static_cast<double>(mine.rows);
  extra[kPeakRss] = peak_rss_bytes();
  return local;
}

// Every rank's row, as gathered on the root: rank r's value `index` is at(r, index).
struct GatheredRows {
  const std::vector<double>& all;
  std::size_t width;
  std::size_t n_phases;
  int ranks;
  [[nodiscard]] double at(int r, std::size_t index) const { return all[static_cast<std::size_t>(r) * width + index]; }
  [[nodiscard]] ordered_json per_rank(std::size_t index) const { return column(all, width, index, ranks); }
  [[nodiscard]] ordered_json extra_per_rank(std::size_t extra) const { return per_rank(n_phases + extra); }
};

void add_phases(ordered_json& j, const GatheredRows& g, const std::vector<std::pair<std::string, double>>& phases) {
  ordered_json names = ordered_json::array();
  ordered_json per_rank = ordered_json::object(), max_s = ordered_json::object(), mean_s = ordered_json::object(),
               imbalance = ordered_json::object();
  for (std::size_t p = 0; p < g.n_phases; ++p) {
    const std::string& name = phases[p].first;
    names.push_back(name);
    double mx = 0.0, sum = 0.0;
    for (int r = 0; r < g.ranks; ++r) {
      mx = std::max(mx, g.at(r, p));
      sum += g.at(r, p);
    }
    const double mean = sum / g.ranks;
    per_rank[name] = g.per_rank(p);
    max_s[name] = mx;
    mean_s[name] = mean;
    imbalance[name] = mean > 0.0 ? mx / mean : 1.0;
  }
  j["phases"] = names;
  j["seconds_per_rank"] = per_rank;
  j["seconds_max"] = max_s;
  j["seconds_mean"] = mean_s;
  j["imbalance_max_over_mean"] = imbalance;
}

ordered_json allreduce_json(const GatheredRows& g) {
  const double calls = g.at(0, g.n_phases + kAllreduceCalls);
  const double bytes = g.at(0, g.n_phases + kAllreduceBytes);
  ordered_json allreduce;
  allreduce["what"] = "Lloyd per-iteration allreduce of the exact Int128 cluster sums (wall time, waits included)";
  allreduce["calls"] = calls;
  allreduce["bytes_per_call"] = calls > 0 ? bytes / calls : 0.0;
  allreduce["seconds_per_rank"] = g.extra_per_rank(kAllreduceSeconds);
  double ar_max = 0.0, ar_min = 0.0;
  for (int r = 0; r < g.ranks; ++r) {
    const double v = g.at(r, g.n_phases + kAllreduceSeconds);
    ar_max = std::max(ar_max, v);
    ar_min = r == 0 ? v : std::min(ar_min, v);
  }
  allreduce["seconds_max"] = ar_max;
  allreduce["seconds_min"] = ar_min;
  return allreduce;
}

ordered_json hdf5_json(const GatheredRows& g) {
  std::uint32_t causes = 0;
  double collective = 0.0, independent = 0.0;
  for (int r = 0; r < g.ranks; ++r) {
    causes |= static_cast<std::uint32_t>(g.at(r, g.n_phases + kCauses));
    collective += g.at(r, g.n_phases + kCollective);
    independent += g.at(r, g.n_phases + kIndependent);
  }
  ordered_json h5;
  h5["read_bytes_per_rank"] = g.extra_per_rank(kReadBytes);
  h5["read_seconds_per_rank"] = g.extra_per_rank(kReadSeconds);
  h5["write_bytes_per_rank"] = g.extra_per_rank(kWriteBytes);
  h5["write_seconds_per_rank"] = g.extra_per_rank(kWriteSeconds);
  h5["collective_transfers"] = collective;
  h5["independent_transfers"] = independent;
  h5["no_collective_cause"] = io::describe_no_collective_cause(causes);
  return h5;
}

}  // namespace

std::string gather_timing_detail(const mpi::Communicator& comm, const RankFigures& mine) {
  const auto phases = split_read(mine);
  const std::vector<double> local = local_row(phases, mine);
  // All ranks must reach this, even with zero rows: the rows have the same length everywhere
  // because every rank runs the same phases.
  const std::vector<double> all = comm.gather(local, 0);
  if (!comm.is_root()) return "";

  const GatheredRows g{all, local.size(), phases.size(), comm.size()};
  ordered_json j;
  j["ranks"] = g.ranks;
  add_phases(j, g, phases);
  j["rows_per_rank"] = g.extra_per_rank(kRows);
  j["peak_rss_bytes_per_rank"] = g.extra_per_rank(kPeakRss);
  j["allreduce"] = allreduce_json(g);
  j["hdf5"] = hdf5_json(g);
  return j.dump();
}

std::string add_timing_detail(const std::string& report_json, const std::string& detail) {
  ordered_json report = ordered_json::parse(report_json);
  report["timing_detail"] = ordered_json::parse(detail);
  return report.dump(2) + "\n";
}

void append_timing_detail(const mpi::Communicator& comm, const RankFigures& mine, const std::string& report_path,
                          const Logger& log) {
  const std::string detail = gather_timing_detail(comm, mine);
  mpi::agree(comm, [&] {
    if (!comm.is_root()) return;
    std::ifstream in(report_path, std::ios::binary);
    if (!in) throw_output("cannot re-open " + report_path + " to add the timing detail");
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    report::write_file_atomically(report_path, add_timing_detail(text, detail));
    const ordered_json j = ordered_json::parse(detail);
    const auto& h5 = j["hdf5"];
    if (h5["independent_transfers"].get<double>() > 0)
      log.info("HDF5: " + std::to_string(h5["independent_transfers"].get<std::int64_t>()) +
               " parallel transfers fell back to independent I/O (" + h5["no_collective_cause"].get<std::string>() + ")");
    else
      log.detail("HDF5: all " + std::to_string(h5["collective_transfers"].get<std::int64_t>()) +
                 " parallel transfers were collective");
    for (const auto& name : j["phases"]) {
      const std::string n = name.get<std::string>();
      char line[160];
      std::snprintf(line, sizeof line, "  %-12s max %.3f s  mean %.3f s  imbalance %.2f", n.c_str(),
                    j["seconds_max"][n].get<double>(), j["seconds_mean"][n].get<double>(),
                    j["imbalance_max_over_mean"][n].get<double>());
      log.detail(line);
    }
    log.detail("  Lloyd allreduce: " + std::to_string(j["allreduce"]["calls"].get<double>()) + " calls of " +
               std::to_string(j["allreduce"]["bytes_per_call"].get<double>()) + " bytes, max " +
               std::to_string(j["allreduce"]["seconds_max"].get<double>()) + " s");
  });
}

}  // namespace custseg::timing
