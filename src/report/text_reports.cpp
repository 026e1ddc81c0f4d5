#include "custseg/report/text_reports.hpp"

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "custseg/util/error.hpp"

namespace custseg::report {

namespace {

using nlohmann::ordered_json;

// JSON has no NaN: an undefined statistic (empty segment) is null.
ordered_json number(double v) { return std::isfinite(v) ? ordered_json(v) : ordered_json(nullptr); }

double share(const RunSummary& s, std::size_t c) {
  const auto n = s.rows_assigned();
  return n ? static_cast<double>(s.kmeans.counts[c]) / static_cast<double>(n) : 0.0;
}

std::string csv_number(double v) {
  if (!std::isfinite(v)) return "";
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.10g", v);
  return buf;
}

}  // namespace

std::string render_json_report(const RunSummary& s) {
  ordered_json j;
  j["schema_version"] = kReportSchemaVersion;
  j["custseg_version"] = s.custseg_version;
  j["created_utc"] = s.created_utc;
  j["parameters"] = {{"input", s.input},        {"output", s.output},     {"k", s.k},
                     {"seed", s.seed},          {"ranks", s.ranks},       {"threads_per_rank", s.threads},
                     {"n_init", s.n_init},      {"max_iter", s.max_iter}, {"tol", s.tol},
                     {"nan_policy", s.nan_policy}, {"init", s.init_file.empty() ? ordered_json(nullptr) : ordered_json(s.init_file)}};
  j["input_fingerprint"] = s.input_fingerprint;
  j["rows"] = {{"total", s.rows_total}, {"dropped", s.rows_dropped}, {"assigned", s.rows_assigned()}};
  ordered_json features = ordered_json::array();
  for (std::size_t f = 0; f < s.dims(); ++f)
    features.push_back({{"name", s.scaling.names[f]}, {"transform", data::to_string(s.scaling.kinds[f])},
                        {"mean", s.scaling.mean[f]}, {"scale", s.scaling.scale[f]}});
  j["features"] = features;
  // Top-level copies of the headline figures, for scripts that only want these.
  j["k"] = s.k;
  j["inertia"] = s.kmeans.inertia;
  j["iterations"] = s.kmeans.iterations;
  j["converged"] = s.kmeans.converged;
  j["model"] = {{"inertia", s.kmeans.inertia},
                {"iterations", s.kmeans.iterations},
                {"converged", s.kmeans.converged},
                {"best_restart", s.kmeans.best_restart},
                {"restart_inertia", s.kmeans.restart_inertia}};
  ordered_json history = ordered_json::array();
  for (const auto& h : s.kmeans.history)
    history.push_back({{"iteration", h.iteration}, {"inertia", h.inertia}, {"shift", h.shift},
                       {"seconds", h.seconds}, {"reseeded", h.reseeded}});
  j["model"]["history"] = history;
  ordered_json timings = ordered_json::object();
  for (const auto& [phase, seconds] : s.timings) timings[phase] = seconds;
  j["timings_seconds"] = timings;

  ordered_json segments = ordered_json::array();
  const std::size_t d = s.dims();
  for (std::size_t c = 0; c < s.k; ++c) {
    ordered_json seg;
    seg["segment"] = c;
    seg["count"] = s.kmeans.counts[c];
    seg["share"] = share(s, c);
    ordered_json centroid = ordered_json::object();
    ordered_json feats = ordered_json::object();
    for (std::size_t f = 0; f < d; ++f) {
      centroid[s.scaling.names[f]] = number(s.centroids_original[c * d + f]);
      const auto& m = s.moments[f];
      feats[s.scaling.names[f]] = {{"mean", number(m.mean[c])}, {"std", number(m.std[c])},
                                   {"min", number(m.min[c])},   {"max", number(m.max[c])}};
    }
    seg["centroid"] = centroid;
    seg["features"] = feats;
    segments.push_back(seg);
  }
  j["segments"] = segments;
  ordered_json population = ordered_json::object();
  for (std::size_t f = 0; f < d; ++f) {
    const auto& m = s.moments[f];
    population[s.scaling.names[f]] = {{"mean", number(m.mean[s.k])}, {"std", number(m.std[s.k])},
                                      {"min", number(m.min[s.k])},   {"max", number(m.max[s.k])}};
  }
  j["population"] = population;
  return j.dump(2) + "\n";
}

std::string render_segments_csv(const RunSummary& s) {
  std::ostringstream out;
  out << "segment,count,share";
  for (const auto& name : s.scaling.names)
    for (const char* stat : {"mean", "std", "min", "max"}) out << ',' << name << '_' << stat;
  out << '\n';
  for (std::size_t c = 0; c < s.k; ++c) {
    out << c << ',' << s.kmeans.counts[c] << ',' << csv_number(share(s, c));
    for (const auto& m : s.moments)
      out << ',' << csv_number(m.mean[c]) << ',' << csv_number(m.std[c]) << ',' << csv_number(m.min[c]) << ','
          << csv_number(m.max[c]);
    out << '\n';
  }
  return out.str();
}

std::string render_console_table(const RunSummary& s) {
  std::ostringstream out;
  const std::size_t d = s.dims();
  const std::size_t shown = std::min<std::size_t>(d, 5);
  char buf[64];
  out << "segment      count   share";
  for (std::size_t f = 0; f < shown; ++f) {
    std::snprintf(buf, sizeof buf, " %15.15s", s.scaling.names[f].c_str());
    out << buf;
  }
  out << "   (feature means)\n";
  for (std::size_t c = 0; c < s.k; ++c) {
    std::snprintf(buf, sizeof buf, "%7zu %10lld  %5.1f%%", c, static_cast<long long>(s.kmeans.counts[c]), 100.0 * share(s, c));
    out << buf;
    for (std::size_t f = 0; f < shown; ++f) {
      std::snprintf(buf, sizeof buf, " %15.4g", s.moments[f].mean[c]);
      out << buf;
    }
    out << '\n';
  }
  return out.str();
}

void write_file_atomically(const std::string& path, const std::string& content) {
  const std::string tmp = path + ".partial";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) throw_output("cannot write " + tmp);
    out << content;
    out.flush();
    if (!out) throw_output("writing " + tmp + " failed (disk full?)");
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) throw_output("cannot rename " + tmp + " to " + path + ": " + ec.message());
}

}  // namespace custseg::report
