#include "custseg/report/html_report.hpp"

#include <cmath>
#include <cstdio>
#include <functional>
#include <numeric>
#include <sstream>

#include "custseg/report/charts.hpp"
#include "custseg/report/clv_html.hpp"
#include "custseg/report/label_caveats.hpp"
#include "custseg/report/definitions.hpp"
#include "custseg/report/page_style.hpp"
#include "custseg/report/segment_order.hpp"
#include "custseg/report/svg.hpp"
#include "custseg/stats/quantile_selection.hpp"

namespace custseg::report {

namespace {

using svg::escape;
using svg::format_number;
using svg::format_percent;

// Follows kPageStyle (page_style.hpp), which ends mid-line: this continues its last line. A chart
// wider than the window (the heatmap with many columns) is scaled down to fit, never cut off or
// scrolled sideways (tests/browser/compare_in_chromium.sh checks at 1280 px).
constexpr const char* kStyle = R"css(.action{font-size:12px;color:#555;margin-top:2px}
.badge{display:inline-block;border-radius:10px;padding:1px 8px;font-size:12px}
.ok{background:#e3f2e1;color:#1e5e1a}.warn{background:#fde2e1;color:#8a1c1c}.muted{color:#777}
.swatch{display:inline-block;width:10px;height:10px;margin-right:6px;border-radius:2px}
svg.chart{display:block;margin:6px 0 12px;font-size:12px;max-width:100%;height:auto}svg .label{font-size:12px;fill:#222}svg .tick{font-size:11px;fill:#555}
svg .value{font-size:11px;fill:#333}svg .legend{font-size:12px;fill:#333}svg .suppressed{font-size:12px;fill:#8a1c1c;font-style:italic}
svg .chart-title{font-size:13px;font-weight:bold;fill:#222}svg .legend-tick{font-size:11px}svg .kpi{font-style:italic}svg .cell-text{font-size:12px}
.grid{display:flex;flex-wrap:wrap;gap:8px 24px}.note{font-size:13px;color:#333;max-width:1100px}
)css";

// Tiny self-check for humans and the browser test: marks every chart that laid out with a
// non-empty box and some shapes, and counts the resources the page fetched (none: it is
// self-contained). Reads nothing from the network and changes no figure.
constexpr const char* kRenderCheck = R"js(
window.addEventListener('load',function(){var all=document.querySelectorAll('svg.chart'),ok=0;
all.forEach(function(c){var b=c.getBBox(),n=c.querySelectorAll('rect,line,circle,path,polyline').length;
var good=b.width>0&&b.height>0&&n>0;c.setAttribute('data-rendered',good?'yes':'no');if(good)ok++;});
document.body.setAttribute('data-charts-total',String(all.length));document.body.setAttribute('data-charts-rendered',String(ok));
document.body.setAttribute('data-resource-requests',String(performance.getEntriesByType('resource').length));});
)js";

std::string td(const std::string& v, const std::string& cls = "") {
  return "<td" + (cls.empty() ? "" : " class=\"" + cls + "\"") + ">" + v + "</td>";
}


// The value KPI for the size chart: the first KPI that is not a 0/1 rate (revenue), if any.
int value_kpi(const RunSummary& s) {
  for (std::size_t i = 0; i < s.profiles.kpis.size(); ++i)
    if (!s.profiles.kpis[i].binary) return static_cast<int>(i);
  return -1;
}

bool any_flagged(const RunSummary& s, std::size_t c) {
  for (const auto& a : s.profiles.fairness)
    if (c < a.flagged.size() && a.flagged[c]) return true;
  return false;
}

// " (days)" after a column's name where its unit attribute says so.
std::string unit_suffix(const stats::ColumnMeta& meta) { return meta.unit.empty() ? "" : " (" + meta.unit + ")"; }

// How to read the heatmap's colours: good/bad where columns say which way is better (higher_is).
std::string heatmap_colour_note(const RunSummary& s) {
  std::string good, bad;
  auto add = [](std::string& list, const std::string& name) { list += (list.empty() ? "" : ", ") + name; };
  for (const auto& f : s.profiles.features) {
    if (f.meta.higher_is == "good") add(good, f.name);
    if (f.meta.higher_is == "bad") add(bad, f.name);
  }
  for (const auto& k : s.profiles.kpis) {
    if (k.meta.higher_is == "good") add(good, k.name);
    if (k.meta.higher_is == "bad") add(bad, k.name);
  }
  if (good.empty() && bad.empty()) return "red = above average, blue = below.";
  std::string note = "green = better than average, red = worse, where the column's higher_is attribute says which way is "
                     "better (";
  if (!good.empty()) note += "higher is better: " + escape(good);
  if (!bad.empty()) note += std::string(good.empty() ? "" : "; ") + "lower is better: " + escape(bad);
  return note + "); other columns: red = above average, blue = below.";
}

// The segment's name, and under it the recommended action when --segment-labels gave one.
std::string name_and_action(const RunSummary& s, std::size_t c) {
  const std::string action = s.segment_action(c);
  return escape(s.segment_name(c)) +
         (action.empty() ? "" : "<div class=\"action\">action: " + escape(action) + "</div>");
}

// The segment table shows only the mean of a KPI that is not a rate and whose share is not asked for.
bool mean_only(const stats::KpiProfile& kpi) { return !kpi.binary && !kpi.display.share; }

void overview(std::ostringstream& o, const RunSummary& s) {
  o << "<h2 id=\"overview\">Segments at a glance</h2><table id=\"segment-table\"><tr><th>segment</th><th class=\"text\">name"
       "</th><th>customers</th><th>share</th>";
  for (const auto& kpi : s.profiles.kpis) {
    if (kpi.binary) {
      o << "<th>" << escape(kpi.name) << " rate</th>";
    } else if (mean_only(kpi)) {
      o << "<th>" << escape(kpi.name) << " mean" << escape(unit_suffix(kpi.meta)) << "</th>";
    } else {
      o << "<th>" << escape(kpi.name) << " share</th><th>" << escape(kpi.name) << " mean"
        << escape(unit_suffix(kpi.meta)) << "</th>";
    }
  }
  o << "<th class=\"text\">substantial</th>" << (s.profiles.fairness.empty() ? "" : "<th class=\"text\">fairness</th>") << "</tr>";
  for (const std::size_t c : segments_in_id_order(s)) {
    o << "<tr class=\"segment-row\" data-segment=\"" << s.segment_id(c) << "\">" << td("<span class=\"swatch\" style=\"background:" +
                                                                             svg::segment_colour(static_cast<std::size_t>(s.segment_id(c))) + "\"></span>" + std::to_string(s.segment_id(c)))
      << td(name_and_action(s, c), "text");
    if (s.suppressed(c)) {
      o << td(escape(s.hidden_count(c))) << td("\u2013");
      for (const auto& kpi : s.profiles.kpis) o << (kpi.binary || mean_only(kpi) ? td("\u2013") : td("\u2013") + td("\u2013"));
      o << td(s.substantial(c) ? "<span class=\"badge ok\">substantial</span> statistics suppressed to protect a smaller segment"
                               : "<span class=\"badge warn\">not substantial</span> statistics suppressed",
              "text");
      if (!s.profiles.fairness.empty()) o << td("<span class=\"muted\">suppressed</span>", "text");
      o << "</tr>";
      continue;
    }
    o << td(format_number(static_cast<double>(s.kmeans.counts[c]))) << td(format_percent(s.share(c)));
    for (const auto& kpi : s.profiles.kpis) {
      if (kpi.binary) o << td(format_percent(kpi.mean[c]));
      else if (mean_only(kpi)) o << td(format_number(kpi.mean[c]));
      else o << td(format_percent(kpi.share[c])) << td(format_number(kpi.mean[c]));
    }
    o << td("<span class=\"badge ok\">substantial</span>", "text");
    if (!s.profiles.fairness.empty())
      o << td(any_flagged(s, c) ? "<span class=\"badge warn\">flagged</span>" : "<span class=\"badge ok\">within threshold</span>", "text");
    o << "</tr>";
  }
  o << "<tr class=\"population-row\">" << td("all") << td("population", "text")
    << td(format_number(static_cast<double>(s.rows_assigned()))) << td("100%");
  for (const auto& kpi : s.profiles.kpis) {
    if (kpi.binary) o << td(format_percent(kpi.mean[s.k]));
    else if (mean_only(kpi)) o << td(format_number(kpi.mean[s.k]));
    else o << td("100%") << td(format_number(kpi.mean[s.k]));
  }
  o << td("", "text") << (s.profiles.fairness.empty() ? "" : td("", "text")) << "</tr></table>";
}

void profiles_table(std::ostringstream& o, const RunSummary& s) {
  o << "<details><summary>Feature profiles in original units (mean, quantiles, index, standardized difference)"
       "</summary><table id=\"profile-table\"><tr><th class=\"text\">feature</th><th>segment</th><th>mean</th><th>std</th>";
  for (const char* q : stats::kProfileQuantileNames) o << "<th>" << q << "</th>";
  o << "<th>min</th><th>max</th><th>index</th><th>std diff</th></tr>";
  for (const auto& p : s.profiles.features) {
    std::vector<std::size_t> groups = segments_in_id_order(s);
    groups.push_back(s.k);  // the population row last
    for (const std::size_t g : groups) {
      const bool pop = g == s.k;
      o << "<tr>" << td(escape(p.name + unit_suffix(p.meta)), "text") << td(pop ? "population" : std::to_string(s.segment_id(g)));
      if (!pop && s.suppressed(g)) {
        o << "<td colspan=\"11\" class=\"text muted\">" << escape(s.suppression_reason(g)) << "</td></tr>";
        continue;
      }
      o << td(format_number(p.moments.mean[g])) << td(format_number(p.moments.std[g]));
      for (double q : p.quantiles[g]) o << td(format_number(q));
      o << td(format_number(p.moments.min[g])) << td(format_number(p.moments.max[g]));
      o << td(pop ? "100" : format_number(p.index[g])) << td(pop ? "0" : format_number(p.std_diff[g])) << "</tr>";
    }
  }
  o << "</table></details>";
}

void fairness_section(std::ostringstream& o, const RunSummary& s) {
  o << "<h2 id=\"fairness\">Fairness audit</h2>";
  if (s.profiles.fairness.empty()) {
    o << "<p class=\"note\">No protected columns were named (option <code>protected</code>), so no audit was run.</p>";
    return;
  }
  o << "<p class=\"note\">" << escape(definitions::kFairness) << ". Protected columns are never k-means features.</p>";
  for (const auto& a : s.profiles.fairness) {
    o << "<h3>" << escape(a.column) << "</h3><table class=\"fairness-table\" data-column=\"" << escape(a.column)
      << "\"><tr><th>segment</th>";
    for (const auto& g : a.groups) o << "<th>" << escape(g) << " share<br><span class=\"muted\">(population)</span></th>";
    o << "<th>min/max selection rate</th><th class=\"text\">flag</th></tr>";
    for (const std::size_t c : indices_by_id(s.segment_ids, a.segments())) {
      o << "<tr data-segment=\"" << s.segment_id(c) << "\">" << td(std::to_string(s.segment_id(c)));
      if (s.suppressed(c)) {
        o << "<td colspan=\"" << a.groups.size() + 2 << "\" class=\"text muted\">" << escape(s.suppression_reason(c))
          << "</td></tr>";
        continue;
      }
      for (std::size_t g = 0; g < a.groups.size(); ++g)
        o << td(format_percent(a.segment_share(c, g)) + " <span class=\"muted\">(" + format_percent(a.population_share(g)) + ")</span>");
      o << td(format_number(a.rate_ratio[c]));
      char thr[16];
      std::snprintf(thr, sizeof thr, "%.2f", a.threshold);
      o << td(a.flagged[c] ? "<span class=\"badge warn fairness-flag\">below " + std::string(thr) + "</span>"
                           : "<span class=\"badge ok\">ok</span>",
              "text")
        << "</tr>";
    }
    o << "</table>";
  }
}

// The groups a mix table shows: the kMaxMixColumns most common in the population (ties by
// order), in their own order; the rest are summed into "other".
constexpr std::size_t kMaxMixColumns = 8;
std::vector<std::size_t> shown_groups(const stats::CategoryMix& m) {
  std::vector<std::size_t> order(m.groups.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return m.population[a] > m.population[b]; });
  if (order.size() > kMaxMixColumns) order.resize(kMaxMixColumns);
  std::sort(order.begin(), order.end());
  return order;
}

// One mix cell: the share, coloured by how over- or under-represented the group is (index 100 =
// as in the population).
std::string mix_cell(double share, double population_share) {
  const double index = population_share > 0 ? share / population_share * 100.0 : std::nan("");
  const std::string fill = svg::index_colour(index);
  return "<td style=\"background:" + fill + ";color:" + svg::text_colour_on(fill) + "\">" + format_percent(share) + "</td>";
}

void category_mix_section(std::ostringstream& o, const RunSummary& s) {
  if (s.profiles.mixes.empty()) return;
  o << "<h2 id=\"category-mix\">Who is in each segment</h2><p class=\"note\">Share of each segment's customers in "
       "each category of the --profile columns (never k-means features); the colour compares it with the population "
       "(red = over-represented, blue = under-represented). Customers with an unknown value are left out.</p>";
  for (const auto& m : s.profiles.mixes) {
    const std::vector<std::size_t> shown = shown_groups(m);
    const bool other = shown.size() < m.groups.size();
    o << "<h3>" << escape(m.column) << "</h3>";
    if (const auto unknown = s.unknown_in(m); unknown > 0)
      o << "<p class=\"note\">" << format_number(static_cast<double>(unknown)) << " customers with no " << escape(m.column)
        << " value are left out of these shares.</p>";
    o << "<table class=\"mix-table\" data-column=\"" << escape(m.column)
      << "\"><tr><th class=\"text\">segment</th>";
    for (const std::size_t g : shown) o << "<th>" << escape(m.groups[g]) << "</th>";
    if (other) o << "<th>other " << m.groups.size() - shown.size() << "</th>";
    o << "</tr>";
    auto row = [&](const std::function<double(std::size_t)>& share, const std::function<double(std::size_t)>& pop) {
      double rest = 1.0, rest_pop = 1.0;
      for (const std::size_t g : shown) {
        o << mix_cell(share(g), pop(g));
        rest -= std::isfinite(share(g)) ? share(g) : 0.0;
        rest_pop -= pop(g);
      }
      if (other) o << mix_cell(std::max(0.0, rest), std::max(0.0, rest_pop));
    };
    for (const std::size_t c : indices_by_id(s.segment_ids, m.segments())) {
      o << "<tr data-segment=\"" << s.segment_id(c) << "\">" << td(std::to_string(s.segment_id(c)) + " \u00b7 " + escape(s.segment_name(c)), "text");
      if (s.suppressed(c)) {
        o << "<td colspan=\"" << shown.size() + (other ? 1 : 0) << "\" class=\"text muted\">" << escape(s.suppression_reason(c)) << "</td></tr>";
        continue;
      }
      row([&](std::size_t g) { return m.segment_share(c, g); }, [&](std::size_t g) { return m.population_share(g); });
      o << "</tr>";
    }
    o << "<tr class=\"population-row\">" << td("population", "text");
    row([&](std::size_t g) { return m.population_share(g); }, [&](std::size_t g) { return m.population_share(g); });
    o << "</tr></table>";
  }
}

void sweep_section(std::ostringstream& o, const RunSummary& s) {
  if (!s.sweep) return;
  const auto& w = *s.sweep;
  o << "<h2 id=\"sweep\">Choosing k</h2><p class=\"note\">" << w.points.size() << " values of k, " << w.restarts
    << " restarts each, silhouette and stability on a sample of " << w.sample_size << " customers. <b>Recommended k = "
    << w.recommended_k << "</b>" << (w.recommended_from_candidates ? "" : " (no k met every condition)") << ": "
    << escape(w.rule) << ". " << escape(definitions::kStability) << ".</p>";
  // Say why a k with a better silhouette was passed over, so the choice can be checked.
  std::string passed_over;
  double recommended_silhouette = std::nan("");
  for (const auto& p : w.points)
    if (p.k == w.recommended_k) recommended_silhouette = p.quality.silhouette;
  for (const auto& p : w.points) {
    if (p.k == w.recommended_k || !(p.quality.silhouette > recommended_silhouette)) continue;
    std::string why;
    if (std::isfinite(p.stability) && p.stability < w.min_stability)
      why = "restarts disagree, stability " + format_number(p.stability) + " < " + format_number(w.min_stability);
    if (p.smallest_segment < s.min_segment_size)
      why += (why.empty() ? "" : "; ") + std::string("a segment has fewer than ") + std::to_string(s.min_segment_size) + " customers";
    passed_over += (passed_over.empty() ? "" : ", ") + ("k = " + std::to_string(p.k) + " (silhouette " +
                                                        format_number(p.quality.silhouette) + ": " + why + ")");
  }
  if (!passed_over.empty() && w.recommended_from_candidates)
    o << "<p class=\"note passed-over\">Higher silhouette but not recommended: " << escape(passed_over) << ".</p>";
  o << "<div class=\"grid\">";
  o << charts::sweep_curve(w, "inertia", "inertia (lower is better)", [](const stats::SweepPoint& p) { return p.inertia; });
  o << charts::sweep_curve(w, "silhouette", "silhouette (higher is better)",
                           [](const stats::SweepPoint& p) { return p.quality.silhouette; });
  o << charts::sweep_curve(w, "calinski-harabasz", "Calinski-Harabasz (higher is better)",
                           [](const stats::SweepPoint& p) { return p.quality.calinski_harabasz; });
  o << charts::sweep_curve(w, "davies-bouldin", "Davies-Bouldin (lower is better)",
                           [](const stats::SweepPoint& p) { return p.quality.davies_bouldin; });
  o << charts::sweep_curve(w, "stability", "stability across restarts (ARI)", [](const stats::SweepPoint& p) { return p.stability; });
  o << "</div><table id=\"sweep-table\"><tr><th>k</th><th>inertia</th><th>silhouette</th><th>Calinski-Harabasz</th>"
       "<th>Davies-Bouldin</th><th>stability</th><th>smallest segment</th></tr>";
  for (const auto& p : w.points) {
    o << "<tr" << (p.k == w.recommended_k ? " style=\"font-weight:bold\"" : "") << ">" << td(std::to_string(p.k))
      << td(format_number(p.inertia)) << td(format_number(p.quality.silhouette)) << td(format_number(p.quality.calinski_harabasz))
      << td(format_number(p.quality.davies_bouldin)) << td(format_number(p.stability))
      << td(p.smallest_segment < s.min_segment_size ? escape(s.suppressed_text()) : format_number(static_cast<double>(p.smallest_segment)))
      << "</tr>";
  }
  o << "</table>";
}

// --previous: which segments kept their ID from the previous period, which are new, which vanished.
void matching_section(std::ostringstream& o, const RunSummary& s) {
  if (!s.matching) return;
  const stats::SegmentMatching& m = *s.matching;
  o << "<h2 id=\"matching\">Compared with the previous period</h2><p class=\"note\">Segments matched to "
    << escape(m.previous_path) << " by a minimum-cost assignment on centroid distances in the previous model's "
    << "standardized space; a segment within " << format_number(m.threshold)
    << " standard deviations keeps its ID, others get a new one.</p><table id=\"matching-table\"><tr><th>segment</th>"
       "<th class=\"text\">status</th><th>matched previous segment</th><th>distance</th></tr>";
  for (const std::size_t c : indices_by_id(s.segment_ids, m.k)) {
    std::string previous = "\u2013", distance = "\u2013";
    for (std::size_t p = 0; p < m.pairs.size(); ++p)
      if (static_cast<std::size_t>(m.pairs[p].first) == c) {
        previous = std::to_string(m.previous_ids[static_cast<std::size_t>(m.pairs[p].second)]);
        distance = format_number(m.distance[p]);
      }
    o << "<tr data-segment=\"" << s.segment_id(c) << "\">" << td(std::to_string(s.segment_id(c)))
      << td(m.kept(c) ? "kept" : "new", "text") << td(previous) << td(distance) << "</tr>";
  }
  std::string vanished;
  for (const std::int32_t id : m.vanished) vanished += (vanished.empty() ? "" : ", ") + std::to_string(id);
  o << "</table><p class=\"note\">Vanished previous segments: " << (vanished.empty() ? "none" : vanished) << ".</p>";
}

// The first screen answers a marketer's questions: how many customers, how much revenue, how
// many churned, how big the largest segment is, and whether anything is hidden or unfair. The
// fit metrics (silhouette, Calinski-Harabasz, Davies-Bouldin) live in "Model quality" below.
void headline_cards(std::ostringstream& o, const RunSummary& s, std::size_t suppressed, std::size_t flagged) {
  const auto card = [&o](const std::string& label, const std::string& value, const std::string& cls = "") {
    o << "<div class=\"card" << (cls.empty() ? "" : " " + cls) << "\">" << escape(label) << "<b>" << value << "</b></div>";
  };
  o << "<div class=\"cards\" id=\"headline\">";
  card("segments", std::to_string(s.k));
  card("customers segmented", format_number(static_cast<double>(s.rows_assigned())));
  for (const auto& kpi : s.profiles.kpis) {
    if (!kpi.display.headline_card) continue;
    if (kpi.binary) card(kpi.name + " rate", format_percent(kpi.mean[s.k]), "kpi-card");
    else card(kpi.name + " in total" + unit_suffix(kpi.meta), format_number(kpi.sum[s.k]), "kpi-card");
  }
  o << clv_cards(s);
  std::size_t largest = s.k;
  for (std::size_t c = 0; c < s.k; ++c)
    if (!s.suppressed(c) && (largest == s.k || s.share(c) > s.share(largest))) largest = c;
  if (largest < s.k) card("largest segment", format_percent(s.share(largest)) + " <span class=\"muted\">" +
                                                 escape(s.segment_name(largest)) + "</span>");
  card("not substantial", std::to_string(suppressed));
  card("fairness flags", std::to_string(flagged));
  o << "</div>";
  for (const std::string& caveat : label_caveats(s))
    o << "<p class=\"note label-caveat\"><span class=\"badge warn\">label</span> " << escape(caveat) << "</p>";
  const auto& q = s.profiles.quality;
  o << "<p class=\"note\">How well the segments separate: silhouette " << format_number(q.silhouette)
    << ", Calinski-Harabasz " << format_number(q.calinski_harabasz) << ", Davies-Bouldin " << format_number(q.davies_bouldin)
    << " (what they mean: Model quality, below).</p>";
}

}  // namespace

std::string render_html_report(const RunSummary& s) {
  std::ostringstream o;
  std::size_t suppressed = 0, flagged = 0;
  for (std::size_t c = 0; c < s.k; ++c) {
    suppressed += !s.substantial(c);
    flagged += !s.suppressed(c) && any_flagged(s, c);
  }
  o << "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\">"
    << "<title>custseg report: " << s.k << " segments</title><style>" << kPageStyle << kStyle << "</style></head><body>";
  o << "<h1>Customer segments: k = " << s.k << "</h1><div class=\"meta\">" << escape(s.input) << " \u00b7 "
    << format_number(static_cast<double>(s.rows_total)) << " customers \u00b7 seed " << s.seed << " \u00b7 " << s.ranks
    << " ranks" << (s.as_of.empty() ? std::string() : " \u00b7 as of " + escape(s.as_of)) << " \u00b7 custseg "
    << escape(s.custseg_version) << " \u00b7 " << escape(s.created_utc) << "</div>";
  headline_cards(o, s, suppressed, flagged);
  if (suppressed > 0)
    o << "<p class=\"note suppression-note\"><span class=\"badge warn\">privacy</span> " << suppressed << " segment"
      << (suppressed > 1 ? "s have" : " has") << " fewer than " << s.min_segment_size
      << " customers: not substantial enough for a campaign, and " << (suppressed > 1 ? "their" : "its")
      << " statistics are suppressed in every report (shown as \u201c" << escape(s.suppressed_text()) << "\u201d)"
      << (suppressed == 1 && s.k > 1 ? "; the smallest substantial segment is suppressed with it, since otherwise the "
                                       "population totals minus the other segments would reveal it"
                                     : "")
      << ".</p>";

  overview(o, s);
  o << clv_section(s);
  matching_section(o, s);
  o << "<h2 id=\"sizes\">Size and value</h2>" << charts::sizes_and_value(s, value_kpi(s));
  o << "<h2 id=\"heatmap\">What each segment is</h2><p class=\"note\">" << escape(definitions::kIndex)
    << "; " << heatmap_colour_note(s) << " " << escape(definitions::kNames) << ".</p>" << charts::profile_heatmap(s);
  profiles_table(o, s);
  // Fairness and the choice of k before the detail, so the first screen answers "is it fair?"
  // and "why this k?".
  category_mix_section(o, s);
  fairness_section(o, s);
  sweep_section(o, s);
  o << "<h2 id=\"distributions\">Distributions</h2><p class=\"note\">Whiskers p5\u2013p95, box p25\u2013p75, black line "
       "median, diamond mean. "
    << escape(definitions::kQuantiles) << ".</p><div class=\"grid\">";
  for (std::size_t f = 0; f < s.profiles.features.size(); ++f) o << charts::box_plot(s, f);
  o << "</div>";
  const auto& q = s.profiles.quality;
  o << "<h2 id=\"quality\">Model quality</h2><table id=\"quality-table\"><tr><th class=\"text\">metric</th><th>value</th></tr>"
    << "<tr>" << td("inertia (k-means objective)", "text") << td(format_number(s.kmeans.inertia)) << "</tr>"
    << "<tr>" << td("Calinski-Harabasz", "text") << td(format_number(q.calinski_harabasz)) << "</tr>"
    << "<tr>" << td("Davies-Bouldin", "text") << td(format_number(q.davies_bouldin)) << "</tr>"
    << "<tr>" << td("silhouette (sample of " + std::to_string(q.silhouette_sample) + ")", "text") << td(format_number(q.silhouette))
    << "</tr><tr>" << td("iterations", "text") << td(std::to_string(s.kmeans.iterations) + (s.kmeans.converged ? " (converged)" : " (not converged)"))
    << "</tr></table><p class=\"note\">" << escape(definitions::kQuality) << ".</p>";
  o << "<h2 id=\"notes\">Privacy and method notes</h2><ul class=\"note\"><li>" << escape(definitions::kPrivacy)
    << " (min_segment_size = " << s.min_segment_size << ").</li><li>" << escape(definitions::kStdDiff) << ".</li><li>"
    << "Features: ";
  for (std::size_t f = 0; f < s.dims(); ++f)
    o << (f ? ", " : "") << escape(s.scaling.names[f]) << (s.scaling.kinds[f] == data::TransformKind::log1p ? " (log1p)" : "");
  o << ". Rows dropped (NaN/Inf): " << format_number(static_cast<double>(s.rows_dropped)) << ".</li></ul>";
  o << "<script>" << kRenderCheck << "</script></body></html>\n";
  return o.str();
}

}  // namespace custseg::report
