#include "custseg/report/text_reports.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "custseg/report/clv_json.hpp"
#include <iomanip>
#include <sstream>

#include "custseg/io/output_space.hpp"
#include "custseg/io/partial_file.hpp"
#include "custseg/report/definitions.hpp"
#include "custseg/report/label_caveats.hpp"
#include "custseg/report/segment_order.hpp"
#include "custseg/report/svg.hpp"
#include "custseg/stats/quantile_selection.hpp"
#include "custseg/util/error.hpp"

namespace custseg::report {

namespace {

using nlohmann::ordered_json;

// JSON has no NaN: an undefined statistic (empty segment) is null.
ordered_json number(double v) { return std::isfinite(v) ? ordered_json(v) : ordered_json(nullptr); }

std::string csv_number(double v) {
  if (!std::isfinite(v)) return "";
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.10g", v);
  return buf;
}

// Names may contain commas ("high monetary, low recency_days"): quote them (RFC 4180).
std::string csv_text(const std::string& text) {
  std::string out = "\"";
  for (char c : text) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

ordered_json feature_stats(const RunSummary& s, std::size_t f, std::size_t g) {
  const auto& m = s.moments[f];
  ordered_json o = {{"mean", number(m.mean[g])}, {"std", number(m.std[g])}, {"min", number(m.min[g])}, {"max", number(m.max[g])}};
  if (f < s.profiles.features.size()) {
    const auto& p = s.profiles.features[f];
    for (std::size_t q = 0; q < stats::kProfileQuantileNames.size(); ++q)
      o[stats::kProfileQuantileNames[q]] = number(p.quantiles[g][q]);
    if (g < s.k) {
      o["index"] = number(p.index[g]);
      o["std_diff"] = number(p.std_diff[g]);
    }
  }
  return o;
}

ordered_json kpi_stats(const stats::KpiProfile& kpi, std::size_t g, std::size_t k) {
  ordered_json o = {{"sum", number(kpi.sum[g])}, {"mean", number(kpi.mean[g])}};
  if (g < k) o["share_of_total"] = number(kpi.share[g]);
  if (kpi.binary) o["rate"] = number(kpi.mean[g]);
  return o;
}

ordered_json quality_json(const stats::ClusterQuality& q) {
  return {{"within_ss", number(q.within_ss)},
          {"between_ss", number(q.between_ss)},
          {"calinski_harabasz", number(q.calinski_harabasz)},
          {"davies_bouldin", number(q.davies_bouldin)},
          {"silhouette", number(q.silhouette)},
          {"silhouette_sample", q.silhouette_sample}};
}

// --profile columns: each segment's mix of categories (or bands) beside the population's.
ordered_json category_mix_json(const RunSummary& s) {
  ordered_json out = ordered_json::array();
  for (const auto& m : s.profiles.mixes) {
    ordered_json pop = ordered_json::array();
    for (std::size_t g = 0; g < m.groups.size(); ++g) pop.push_back(number(m.population_share(g)));
    ordered_json segs = ordered_json::array();
    for (const std::size_t c : indices_by_id(s.segment_ids, m.segments())) {
      ordered_json seg = {{"segment", s.segment_id(c)}, {"suppressed", s.suppressed(c)}};
      if (!s.suppressed(c)) {
        ordered_json shares = ordered_json::array();
        for (std::size_t g = 0; g < m.groups.size(); ++g) shares.push_back(number(m.segment_share(c, g)));
        seg["share"] = shares;
      }
      segs.push_back(seg);
    }
    out.push_back({{"column", m.column},
                   {"groups", m.groups},
                   {"unknown", s.unknown_in(m)},
                   {"population_share", pop},
                   {"segments", segs}});
  }
  return out;
}

ordered_json fairness_json(const RunSummary& s) {
  ordered_json out = ordered_json::array();
  for (const auto& a : s.profiles.fairness) {
    ordered_json audit;
    audit["column"] = a.column;
    audit["threshold"] = a.threshold;
    audit["groups"] = a.groups;
    ordered_json pop = ordered_json::array();
    for (std::size_t g = 0; g < a.groups.size(); ++g) pop.push_back(number(a.population_share(g)));
    audit["population_share"] = pop;
    ordered_json segs = ordered_json::array();
    for (const std::size_t c : indices_by_id(s.segment_ids, a.segments())) {
      ordered_json seg = {{"segment", s.segment_id(c)}};
      if (s.suppressed(c)) {
        seg["suppressed"] = true;
        seg["count"] = s.hidden_count(c);
        segs.push_back(seg);
        continue;
      }
      ordered_json shares = ordered_json::array(), rates = ordered_json::array();
      for (std::size_t g = 0; g < a.groups.size(); ++g) {
        shares.push_back(number(a.segment_share(c, g)));
        rates.push_back(number(a.selection_rate(c, g)));
      }
      seg["suppressed"] = false;
      seg["group_share"] = shares;
      seg["selection_rate"] = rates;
      seg["rate_ratio"] = number(a.rate_ratio[c]);
      seg["flagged"] = static_cast<bool>(a.flagged[c]);
      segs.push_back(seg);
    }
    audit["segments"] = segs;
    out.push_back(audit);
  }
  return out;
}

ordered_json sweep_json(const SweepSummary& w) {
  ordered_json points = ordered_json::array();
  for (const auto& p : w.points)
    points.push_back({{"k", p.k},
                      {"inertia", number(p.inertia)},
                      {"iterations", p.iterations},
                      {"converged", p.converged},
                      {"calinski_harabasz", number(p.quality.calinski_harabasz)},
                      {"davies_bouldin", number(p.quality.davies_bouldin)},
                      {"silhouette", number(p.quality.silhouette)},
                      {"stability", number(p.stability)},
                      {"smallest_segment", p.smallest_segment},
                      {"restart_inertia", p.restart_inertia}});
  return {{"restarts", w.restarts},          {"sample_size", w.sample_size}, {"min_stability", w.min_stability},
          {"recommended_k", w.recommended_k}, {"recommended_from_candidates", w.recommended_from_candidates},
          {"rule", w.rule},                   {"points", points}};
}

ordered_json parameters_json(const RunSummary& s) {
  return {{"input", s.input},        {"output", s.output},     {"k", s.k},
          {"seed", s.seed},          {"ranks", s.ranks},       {"threads_per_rank", s.threads},
          {"n_init", s.n_init},      {"max_iter", s.max_iter}, {"tol", s.tol},
          {"nan_policy", s.nan_policy}, {"init", s.init_file.empty() ? ordered_json(nullptr) : ordered_json(s.init_file)},
          {"min_segment_size", s.min_segment_size}, {"fairness_threshold", s.fairness_threshold}};
}

// A column's label, unit and higher_is attributes, where it has them.
void add_meta(ordered_json& column, const stats::ColumnMeta& meta) {
  if (!meta.label.empty()) column["label"] = meta.label;
  if (!meta.unit.empty()) column["unit"] = meta.unit;
  if (!meta.higher_is.empty()) column["higher_is"] = meta.higher_is;
}

ordered_json features_json(const RunSummary& s) {
  ordered_json features = ordered_json::array();
  for (std::size_t f = 0; f < s.dims(); ++f) {
    features.push_back({{"name", s.scaling.names[f]}, {"transform", data::to_string(s.scaling.kinds[f])},
                        {"mean", s.scaling.mean[f]}, {"scale", s.scaling.scale[f]}});
    if (f < s.profiles.features.size()) add_meta(features.back(), s.profiles.features[f].meta);
  }
  return features;
}

ordered_json model_json(const RunSummary& s) {
  ordered_json model = {{"inertia", s.kmeans.inertia},
                        {"iterations", s.kmeans.iterations},
                        {"converged", s.kmeans.converged},
                        {"best_restart", s.kmeans.best_restart},
                        {"restart_inertia", s.kmeans.restart_inertia}};
  // Fewer distinct rows than the requested k: fewer segments, and a sentence saying why.
  model["requested_k"] = s.kmeans.requested_k;
  if (s.kmeans.distinct_rows > 0) {
    model["distinct_rows"] = s.kmeans.distinct_rows;
    model["note"] = "k = " + std::to_string(s.kmeans.requested_k) + " requested, " +
                    std::to_string(s.kmeans.distinct_rows) + " distinct customers: " +
                    std::to_string(s.kmeans.distinct_rows) + " segments";
  }
  ordered_json history = ordered_json::array();
  for (const auto& h : s.kmeans.history)
    history.push_back({{"iteration", h.iteration}, {"inertia", h.inertia}, {"shift", h.shift},
                       {"seconds", h.seconds}, {"reseeded", h.reseeded}});
  model["history"] = history;
  return model;
}

// --previous: which segment kept which ID, the distances (previous-model standard deviations),
// and the IDs that vanished. Only present when a previous model was given.
ordered_json matching_json(const RunSummary& s, const stats::SegmentMatching& m) {
  ordered_json segments = ordered_json::array();
  for (const std::size_t c : indices_by_id(s.segment_ids, m.k)) {
    ordered_json seg = {{"segment", s.segment_id(c)}, {"kept_previous_id", m.kept(c)}};
    for (std::size_t p = 0; p < m.pairs.size(); ++p)
      if (static_cast<std::size_t>(m.pairs[p].first) == c) {
        seg["matched_previous_segment"] = m.previous_ids[static_cast<std::size_t>(m.pairs[p].second)];
        seg["distance"] = number(m.distance[p]);
      }
    segments.push_back(seg);
  }
  return {{"previous", m.previous_path},         {"threshold", m.threshold},
          {"method", "minimum-cost assignment (Hungarian) on centroid distances in the previous model's standardized space"},
          {"previous_segment_ids", m.previous_ids}, {"segments", segments},
          {"vanished", m.vanished},                {"next_segment_id", m.next_segment_id}};
}

// One segment's entry. Suppressed: no figure that would describe a handful of customers (or
// reveal one by subtraction from the population totals).
ordered_json segment_json(const RunSummary& s, std::size_t c) {
  ordered_json seg;
  seg["segment"] = s.segment_id(c);
  seg["name"] = s.segment_name(c);
  seg["action"] = s.segment_action(c);
  seg["name_source"] = c < s.profiles.name_sources.size() ? s.profiles.name_sources[c] : "generated";
  seg["substantial"] = s.substantial(c);
  if (s.suppressed(c)) {
    seg["suppressed"] = true;
    seg["suppression"] = s.substantial(c) ? "complementary" : "small";
    seg["count"] = s.hidden_count(c);
    return seg;
  }
  const std::size_t d = s.dims();
  seg["suppressed"] = false;
  seg["count"] = s.kmeans.counts[c];
  seg["share"] = s.share(c);
  ordered_json centroid = ordered_json::object();
  ordered_json feats = ordered_json::object();
  for (std::size_t f = 0; f < d; ++f) {
    centroid[s.scaling.names[f]] = number(s.centroids_original[c * d + f]);
    feats[s.scaling.names[f]] = feature_stats(s, f, c);
  }
  seg["centroid"] = centroid;
  seg["features"] = feats;
  ordered_json kpi = ordered_json::object();
  for (const auto& p : s.profiles.kpis) kpi[p.name] = kpi_stats(p, c, s.k);
  seg["kpis"] = kpi;
  return seg;
}

// The segments, the population and the privacy summary.
void add_segments(const RunSummary& s, ordered_json& j) {
  ordered_json segments = ordered_json::array();
  ordered_json suppressed = ordered_json::array();
  for (const std::size_t c : segments_in_id_order(s)) {
    segments.push_back(segment_json(s, c));
    if (s.suppressed(c)) suppressed.push_back(s.segment_id(c));
  }
  j["segments"] = segments;
  ordered_json population = ordered_json::object();
  for (std::size_t f = 0; f < s.dims(); ++f) population[s.scaling.names[f]] = feature_stats(s, f, s.k);
  j["population"] = population;
  ordered_json population_kpis = ordered_json::object();
  for (const auto& p : s.profiles.kpis) population_kpis[p.name] = kpi_stats(p, s.k, s.k);
  j["population_kpis"] = population_kpis;
  j["privacy"] = {{"min_segment_size", s.min_segment_size}, {"suppressed_segments", suppressed},
                  {"customer_ids_in_report", false}};
}

}  // namespace

std::string render_json_report(const RunSummary& s) {
  ordered_json j;
  j["schema_version"] = kReportSchemaVersion;
  j["custseg_version"] = s.custseg_version;
  j["created_utc"] = s.created_utc;
  j["parameters"] = parameters_json(s);
  j["input_fingerprint"] = s.input_fingerprint;
  j["rows"] = {{"total", s.rows_total}, {"dropped", s.rows_dropped}, {"assigned", s.rows_assigned()}};
  j["features"] = features_json(s);
  ordered_json kpis = ordered_json::array();
  for (const auto& kpi : s.profiles.kpis) {
    kpis.push_back({{"name", kpi.name}, {"binary", kpi.binary}});
    if (kpi.from_clv) kpis.back()["source"] = "clv";  // segment --clv computed it; not a table column
    add_meta(kpis.back(), kpi.meta);
  }
  j["kpis"] = kpis;
  if (!s.as_of.empty()) j["as_of"] = s.as_of;
  if (!s.churn_after.empty()) j["churn_after"] = s.churn_after;
  j["label_caveats"] = label_caveats(s);  // honest labels: e.g. churned restating recency_days
  // Top-level copies of the headline figures, for scripts that only want these.
  j["k"] = s.k;
  j["inertia"] = s.kmeans.inertia;
  j["iterations"] = s.kmeans.iterations;
  j["converged"] = s.kmeans.converged;
  if (s.kmeans.distinct_rows > 0) j["requested_k"] = s.kmeans.requested_k;
  j["model"] = model_json(s);
  if (!s.scored_with_model.empty()) j["scored_with_model"] = s.scored_with_model;
  if (s.throughput)
    j["throughput"] = {{"rows_per_second", s.throughput->rows_per_second}, {"read_share", s.throughput->read_share}};
  if (s.matching) j["segment_matching"] = matching_json(s, *s.matching);
  ordered_json quality = quality_json(s.profiles.quality);
  quality["inertia"] = s.kmeans.inertia;
  j["quality"] = quality;
  ordered_json timings = ordered_json::object();
  for (const auto& [phase, seconds] : s.timings) timings[phase] = seconds;
  j["timings_seconds"] = timings;
  add_segments(s, j);
  j["fairness"] = fairness_json(s);
  j["category_mix"] = category_mix_json(s);
  if (s.sweep) j["sweep"] = sweep_json(*s.sweep);
  if (s.clv) j["clv"] = clv_summary_json(*s.clv);
  j["definitions"] = {{"quantiles", definitions::kQuantiles}, {"index", definitions::kIndex},
                      {"std_diff", definitions::kStdDiff},    {"names", definitions::kNames},
                      {"quality", definitions::kQuality},     {"fairness", definitions::kFairness},
                      {"privacy", definitions::kPrivacy},     {"stability", definitions::kStability}};
  return j.dump(2) + "\n";
}

std::string render_segments_csv(const RunSummary& s) {
  std::ostringstream out;
  // Numeric columns hold numbers or nothing (pandas reads them as numbers): a suppressed
  // segment's figures are empty cells, and `suppressed` says why they are missing.
  out << "segment,count,share,name,action,substantial,suppressed";
  for (const auto& kpi : s.profiles.kpis) {
    out << ',' << kpi.name << "_sum," << kpi.name << "_mean," << kpi.name << "_share";
    if (kpi.binary) out << ',' << kpi.name << "_rate";
  }
  const bool profiled = s.profiles.features.size() == s.dims();
  for (const auto& name : s.scaling.names) {
    for (const char* stat : {"mean", "std", "min", "max"}) out << ',' << name << '_' << stat;
    if (profiled) {
      for (const char* q : stats::kProfileQuantileNames) out << ',' << name << '_' << q;
      out << ',' << name << "_index," << name << "_std_diff";
    }
  }
  const std::string header = out.str();
  const auto fields = static_cast<std::size_t>(std::count(header.begin(), header.end(), ',')) + 1;
  out << '\n';
  for (const std::size_t c : segments_in_id_order(s)) {
    if (s.suppressed(c)) {
      // Same number of fields, every figure left empty (report.json says "< floor" in words).
      out << s.segment_id(c) << ",,," << csv_text(s.segment_name(c)) << ',' << csv_text(s.segment_action(c)) << ','
          << (s.substantial(c) ? "true" : "false") << ",true";
      for (std::size_t i = 7; i < fields; ++i) out << ',';
      out << '\n';
      continue;
    }
    out << s.segment_id(c) << ',' << s.kmeans.counts[c] << ',' << csv_number(s.share(c)) << ',' << csv_text(s.segment_name(c)) << ','
        << csv_text(s.segment_action(c)) << ",true,false";
    for (const auto& kpi : s.profiles.kpis) {
      out << ',' << csv_number(kpi.sum[c]) << ',' << csv_number(kpi.mean[c]) << ',' << csv_number(kpi.share[c]);
      if (kpi.binary) out << ',' << csv_number(kpi.mean[c]);
    }
    for (std::size_t f = 0; f < s.dims(); ++f) {
      const auto& m = s.moments[f];
      out << ',' << csv_number(m.mean[c]) << ',' << csv_number(m.std[c]) << ',' << csv_number(m.min[c]) << ','
          << csv_number(m.max[c]);
      if (profiled) {
        const auto& p = s.profiles.features[f];
        for (double q : p.quantiles[c]) out << ',' << csv_number(q);
        out << ',' << csv_number(p.index[c]) << ',' << csv_number(p.std_diff[c]);
      }
    }
    out << '\n';
  }
  return out.str();
}

std::string render_console_table(const RunSummary& s) {
  std::ostringstream out;
  const std::size_t d = s.dims();
  const std::size_t shown = std::min<std::size_t>(d, 5);
  // Each feature column as wide as its name (at least a number's 10 characters): never cut.
  std::vector<int> width(shown);
  for (std::size_t f = 0; f < shown; ++f) width[f] = static_cast<int>(std::max<std::size_t>(10, s.scaling.names[f].size()));
  char buf[96];
  out << "segment      count   share";
  for (std::size_t f = 0; f < shown; ++f) out << ' ' << std::setw(width[f]) << s.scaling.names[f] << std::setw(0);
  out << "   (feature means)  name\n";
  for (const std::size_t c : segments_in_id_order(s)) {
    if (s.suppressed(c)) {
      std::snprintf(buf, sizeof buf, "%7d %10s  %6s", s.segment_id(c), s.hidden_count(c).c_str(), "");
      out << buf << "  (" << s.suppression_reason(c) << ")\n";
      continue;
    }
    std::snprintf(buf, sizeof buf, "%7d %10s  %5.1f%%", s.segment_id(c),
                  svg::format_number(static_cast<double>(s.kmeans.counts[c])).c_str(), 100.0 * s.share(c));
    out << buf;
    for (std::size_t f = 0; f < shown; ++f) {
      std::snprintf(buf, sizeof buf, " %*.4g", width[f], s.moments[f].mean[c]);
      out << buf;
    }
    out << "   " << s.segment_name(c) << '\n';
  }
  std::size_t small = 0;
  for (std::size_t c = 0; c < s.k; ++c) small += s.substantial(c) ? 0 : 1;
  if (s.k > 0 && 2 * small >= s.k)  // a floor that hides most segments is a floor set for another table size
    out << "note: " << small << " of " << s.k << " segments have fewer than " << s.min_segment_size
        << " customers (--min-segment-size), so their figures are suppressed; on a small table lower the floor\n";
  return out.str();
}

void write_file_atomically(const std::string& path, const std::string& content) {
  io::require_free_space(path, content.size());
  io::PartialFile file(path);  // removed again unless committed
  std::FILE* out = std::fopen(file.path().c_str(), "wb");
  if (!out) throw_output("cannot write " + file.path() + ": " + std::strerror(errno));
  // Every step can be where a full disk shows: the write, the flush of stdio's buffer, the close.
  const bool written = std::fwrite(content.data(), 1, content.size(), out) == content.size();
  const int write_errno = errno;
  const bool flushed = written && std::fflush(out) == 0;
  const int flush_errno = errno;
  const bool closed = std::fclose(out) == 0;
  const int err = !written ? write_errno : !flushed ? flush_errno : errno;
  if (!written || !flushed || !closed) {
    if (io::out_of_space(file.path(), err)) io::throw_no_space(file.path());
    throw_output("writing " + file.path() + " failed: " + std::strerror(err));
  }
  file.commit();
}

}  // namespace custseg::report
