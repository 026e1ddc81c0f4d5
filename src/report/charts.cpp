#include "custseg/report/charts.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>

#include "custseg/report/segment_order.hpp"
#include "custseg/report/svg.hpp"

namespace custseg::report::charts {

namespace {

using svg::coord;
using svg::escape;

std::string open_svg(const std::string& id, double width, double height, const std::string& title) {
  std::ostringstream o;
  o << "<svg class=\"chart\" id=\"" << escape(id) << "\" xmlns=\"http://www.w3.org/2000/svg\" width=\"" << coord(width)
    << "\" height=\"" << coord(height) << "\" viewBox=\"0 0 " << coord(width) << ' ' << coord(height)
    << "\" role=\"img\" aria-label=\"" << escape(title) << "\"><title>" << escape(title) << "</title>";
  return o.str();
}

std::string text(double x, double y, const std::string& content, const std::string& attrs = "") {
  return "<text x=\"" + coord(x) + "\" y=\"" + coord(y) + "\"" + (attrs.empty() ? "" : " " + attrs) + ">" +
         escape(content) + "</text>";
}

std::string rect(double x, double y, double w, double h, const std::string& fill, const std::string& extra = "") {
  return "<rect x=\"" + coord(x) + "\" y=\"" + coord(y) + "\" width=\"" + coord(std::max(w, 0.0)) + "\" height=\"" +
         coord(std::max(h, 0.0)) + "\" fill=\"" + fill + "\"" + (extra.empty() ? "" : " " + extra) + "/>";
}

std::string line(double x1, double y1, double x2, double y2, const std::string& stroke, double width = 1,
                 const std::string& extra = "") {
  return "<line x1=\"" + coord(x1) + "\" y1=\"" + coord(y1) + "\" x2=\"" + coord(x2) + "\" y2=\"" + coord(y2) +
         "\" stroke=\"" + stroke + "\" stroke-width=\"" + coord(width) + "\"" + (extra.empty() ? "" : " " + extra) + "/>";
}

constexpr double kLabelFont = 12;   // svg .label
constexpr double kLineHeight = 13;  // between the two lines of a wrapped label

// "3 · Recent frequent big spenders": never shortened (long names wrap, see label_column).
std::string segment_label(const RunSummary& s, std::size_t c) {
  return std::to_string(s.segment_id(c)) + " \u00b7 " + s.segment_name(c);
}

// Row labels wrapped to lines of `max_px` (at most kMaxLines); the label column is as wide as the
// widest line (at least `min_px`) plus a gap, so no name is cut and short names waste no room.
struct LabelColumn {
  static constexpr std::size_t kMaxLines = 4;
  std::vector<std::vector<std::string>> lines;  // per label
  double width = 0;                             // px, gap included
  std::size_t max_lines = 1;                    // of the longest label
  // A row height that holds every label: `base` or more.
  [[nodiscard]] double row_height(double base) const {
    return std::max(base, kLineHeight * static_cast<double>(max_lines) + 8);
  }
};

LabelColumn label_column(const std::vector<std::string>& labels, double max_px, double min_px) {
  LabelColumn column;
  double widest = min_px;
  for (const auto& label : labels) {
    column.lines.push_back(svg::wrap_text(label, max_px, kLabelFont, LabelColumn::kMaxLines));
    column.max_lines = std::max(column.max_lines, column.lines.back().size());
    for (const auto& l : column.lines.back()) widest = std::max(widest, svg::text_width(l, kLabelFont));
  }
  column.width = std::ceil(widest) + 12;
  return column;
}

// A right-aligned label of one or more lines, centred on y_mid, ending at x_right.
std::string row_label(double x_right, double y_mid, const std::vector<std::string>& lines) {
  const double first = y_mid + 4 - kLineHeight * static_cast<double>(lines.size() - 1) / 2;
  if (lines.size() == 1) return text(x_right, first, lines.front(), "class=\"label\" text-anchor=\"end\"");
  std::string o = "<text x=\"" + coord(x_right) + "\" y=\"" + coord(first) + "\" class=\"label\" text-anchor=\"end\">";
  for (std::size_t i = 0; i < lines.size(); ++i)
    o += "<tspan x=\"" + coord(x_right) + "\" dy=\"" + (i == 0 ? std::string("0") : coord(kLineHeight)) + "\">" +
         escape(lines[i]) + "</tspan>";
  return o + "</text>";
}

// Labels of the segments in stable-ID order (rows of every chart), as a label column.
LabelColumn segment_label_column(const RunSummary& s, const std::vector<std::size_t>& order, double max_px,
                                 double min_px, bool with_population = false) {
  std::vector<std::string> labels;
  if (with_population) labels.emplace_back("population");
  for (const std::size_t c : order) labels.push_back(segment_label(s, c));
  return label_column(labels, max_px, min_px);
}

// One column of the profile heatmap: a feature or a KPI, its index per segment.
struct HeatmapColumn {
  std::string name;
  bool kpi;
  std::vector<double> index;  // per segment
  std::string higher_is;      // "good", "bad" or "" (column attribute): picks the colour scale
  [[nodiscard]] std::string header() const { return name + (kpi ? " (KPI)" : ""); }
  [[nodiscard]] std::string fill(double v) const {
    return higher_is.empty() ? svg::index_colour(v) : svg::merit_colour(v, higher_is == "good");
  }
};

// Sizes of the heatmap from its column headers and label column: the columns share what a
// 1280-px window leaves (the page is 1216 px wide there; 46 to 96 px a column), headers are
// slanted 45 degrees with room above and to the right for the longest, and the legend fits.
constexpr double kLegendRow = 22;  // one legend scale

struct HeatmapLayout {
  double label_w = 0, cell_w = 0, cell_h = 0, top = 0, width = 0, height = 0;
};

HeatmapLayout heatmap_layout(const std::vector<HeatmapColumn>& cols, double label_w, double cell_h, std::size_t k) {
  constexpr double kSlant = 0.7072;  // cos 45 = sin 45, rounded up
  constexpr double kTarget = 1200, kMinCell = 46, kMaxCell = 96, kLegend = 7 * 52;
  const double n = static_cast<double>(cols.size());
  std::vector<double> reach(cols.size());  // how far each slanted header reaches right and up
  double tallest = 0;
  for (std::size_t j = 0; j < cols.size(); ++j) {
    reach[j] = svg::text_width(cols[j].header(), kLabelFont) * kSlant + kLabelFont;
    tallest = std::max(tallest, reach[j]);
  }
  HeatmapLayout l;
  l.label_w = label_w;
  l.cell_h = cell_h;
  l.top = std::ceil(tallest) + 12;
  for (l.cell_w = kMaxCell;; l.cell_w -= 2) {
    double right = label_w + l.cell_w * n;
    for (std::size_t j = 0; j < cols.size(); ++j)
      right = std::max(right, label_w + l.cell_w * (static_cast<double>(j) + 0.5) + reach[j]);
    l.width = std::ceil(std::max(right, label_w + kLegend) + 8);
    if (l.width <= kTarget || l.cell_w <= kMinCell) break;
  }
  const bool merit = std::any_of(cols.begin(), cols.end(), [](const HeatmapColumn& c) { return !c.higher_is.empty(); });
  l.height = l.top + cell_h * static_cast<double>(k) + 34 + (merit ? kLegendRow : 0);
  return l;
}

}  // namespace

std::string sizes_and_value(const RunSummary& s, int value_kpi) {
  const auto order = segments_in_id_order(s);  // rows by stable ID, as the tables
  const LabelColumn labels = segment_label_column(s, order, 300, 120);
  const std::string value_legend =
      value_kpi >= 0 ? "share of " + s.profiles.kpis[static_cast<std::size_t>(value_kpi)].name : std::string();
  const double label_w = labels.width, bar_w = 440, top = 34;
  const double row_h = labels.row_height(value_kpi >= 0 ? 40 : 26);
  const double width = std::max(label_w + bar_w + 90, label_w + 186 + svg::text_width(value_legend, 12) + 8);
  const double height = top + row_h * static_cast<double>(s.k) + 26;
  double max_share = 0.0;
  for (std::size_t c = 0; c < s.k; ++c) {
    if (s.suppressed(c)) continue;
    max_share = std::max(max_share, s.share(c));
    if (value_kpi >= 0) max_share = std::max(max_share, s.profiles.kpis[static_cast<std::size_t>(value_kpi)].share[c]);
  }
  const svg::Scale x{0, std::max(max_share, 0.01), label_w, label_w + bar_w};
  std::ostringstream o;
  o << open_svg("chart-sizes", width, height, "Segment sizes and value shares");
  for (double t : x.ticks(5)) {
    o << line(x(t), top - 6, x(t), height - 22, "#e3e3e3");
    o << text(x(t), height - 8, svg::format_percent(t, 0), "class=\"tick\" text-anchor=\"middle\"");
  }
  o << rect(label_w, 6, 12, 12, "#4e79a7") << text(label_w + 16, 16, "share of customers", "class=\"legend\"");
  if (value_kpi >= 0)
    o << rect(label_w + 170, 6, 12, 12, "#f28e2b")
      << text(label_w + 186, 16, value_legend, "class=\"legend\"");
  for (std::size_t i = 0; i < order.size(); ++i) {
    const std::size_t c = order[i];
    const double y = top + row_h * static_cast<double>(i);
    o << row_label(label_w - 8, y + row_h / 2, labels.lines[i]);
    if (s.suppressed(c)) {
      o << text(label_w + 4, y + row_h / 2 + 4, s.suppression_reason(c), "class=\"suppressed\"");
      continue;
    }
    const double bh = value_kpi >= 0 ? (row_h - 8) / 2 : row_h - 8;
    o << rect(label_w, y + 4, x(s.share(c)) - label_w, bh, "#4e79a7", "class=\"bar-size\"");
    o << text(x(s.share(c)) + 4, y + 4 + bh - 3, svg::format_percent(s.share(c)), "class=\"value\"");
    if (value_kpi >= 0) {
      const double v = s.profiles.kpis[static_cast<std::size_t>(value_kpi)].share[c];
      if (std::isfinite(v)) {
        o << rect(label_w, y + 4 + bh, x(v) - label_w, bh, "#f28e2b", "class=\"bar-value\"");
        o << text(x(v) + 4, y + 4 + 2 * bh - 3, svg::format_percent(v), "class=\"value\"");
      }
    }
  }
  o << "</svg>";
  return o.str();
}

// One colour scale under the heatmap: 33 to 300 (1/3x to 3x the average).
template <class Fill>
void legend_row(std::ostringstream& o, double label_w, double ly, const std::string& title, Fill fill_of) {
  o << text(label_w - 8, ly + 12, title, "class=\"legend\" text-anchor=\"end\"");
  const double legend_values[] = {33, 50, 71, 100, 141, 200, 300};
  for (std::size_t i = 0; i < 7; ++i) {
    const double x = label_w + 52.0 * static_cast<double>(i);
    const std::string fill = fill_of(legend_values[i]);
    o << rect(x, ly, 50, 16, fill, "class=\"legend-cell\"");
    // Not class "tick": its CSS fill would override the contrast colour.
    o << text(x + 25, ly + 12, svg::format_number(legend_values[i]),
              "text-anchor=\"middle\" class=\"legend-tick\" fill=\"" + svg::text_colour_on(fill) + "\"");
  }
}

std::string profile_heatmap(const RunSummary& s) {
  std::vector<HeatmapColumn> cols;
  for (const auto& f : s.profiles.features) cols.push_back({f.name, false, f.index, f.meta.higher_is});
  for (const auto& kpi : s.profiles.kpis) {
    std::vector<double> index(s.k, std::nan(""));
    for (std::size_t c = 0; c < s.k; ++c)
      if (kpi.mean[s.k] != 0) index[c] = kpi.mean[c] / kpi.mean[s.k] * 100.0;
    cols.push_back({kpi.name, true, index, kpi.meta.higher_is});
  }
  const auto order = segments_in_id_order(s);  // rows by stable ID, as the tables
  const LabelColumn labels = segment_label_column(s, order, 300, 60);
  const HeatmapLayout layout = heatmap_layout(cols, labels.width, labels.row_height(30), s.k);
  const double label_w = layout.label_w, cell_w = layout.cell_w, cell_h = layout.cell_h, top = layout.top;
  std::ostringstream o;
  o << open_svg("chart-heatmap", layout.width, layout.height, "Profile heatmap: index vs population (100 = average)");
  for (std::size_t j = 0; j < cols.size(); ++j) {
    const double cx = label_w + cell_w * (static_cast<double>(j) + 0.5);
    o << "<text transform=\"translate(" << coord(cx) << ',' << coord(top - 8) << ") rotate(-45)\" class=\"label column-header"
      << (cols[j].kpi ? " kpi" : "") << "\">" << escape(cols[j].header()) << "</text>";
  }
  for (std::size_t i = 0; i < order.size(); ++i) {
    const std::size_t c = order[i];
    const double y = top + cell_h * static_cast<double>(i);
    o << row_label(label_w - 8, y + cell_h / 2, labels.lines[i]);
    if (s.suppressed(c)) {
      o << rect(label_w, y + 1, cell_w * static_cast<double>(cols.size()), cell_h - 2, "#f0f0f0", "class=\"cell-suppressed\"");
      o << text(label_w + 8, y + cell_h / 2 + 4, s.suppression_reason(c), "class=\"suppressed\"");
      continue;
    }
    for (std::size_t j = 0; j < cols.size(); ++j) {
      const double v = cols[j].index[c];
      const std::string fill = cols[j].fill(v);
      const double x = label_w + cell_w * static_cast<double>(j);
      o << rect(x + 1, y + 1, cell_w - 2, cell_h - 2, fill, "class=\"cell\"");
      o << text(x + cell_w / 2, y + cell_h / 2 + 4, std::isfinite(v) ? svg::format_number(std::round(v)) : "\u2013",
                "text-anchor=\"middle\" class=\"cell-text\" fill=\"" + svg::text_colour_on(fill) + "\"");
    }
  }
  // Legends: the colour scales from 1/3x to 3x of the average; the second for columns whose
  // higher_is attribute says which way is better.
  const bool merit = std::any_of(cols.begin(), cols.end(), [](const HeatmapColumn& c) { return !c.higher_is.empty(); });
  double ly = layout.height - 22 - (merit ? kLegendRow : 0);
  legend_row(o, label_w, ly, "index", [](double v) { return svg::index_colour(v); });
  if (merit) legend_row(o, label_w, ly + kLegendRow, "\u2191 good", [](double v) { return svg::merit_colour(v, true); });
  o << "</svg>";
  return o.str();
}

std::string box_plot(const RunSummary& s, std::size_t f) {
  const auto& p = s.profiles.features[f];
  const auto& m = p.moments;
  std::vector<std::size_t> groups{s.k};  // population first, then the segments by stable ID
  for (const std::size_t c : segments_in_id_order(s)) groups.push_back(c);
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  for (std::size_t g : groups) {
    if (g < s.k && (s.suppressed(g) || m.count[g] == 0)) continue;
    lo = std::min(lo, p.quantiles[g].front());
    hi = std::max(hi, p.quantiles[g].back());
  }
  if (!std::isfinite(lo)) lo = hi = 0;
  const bool log_axis = f < s.scaling.kinds.size() && s.scaling.kinds[f] == data::TransformKind::log1p && lo >= 0;
  // Narrow enough for two plots side by side in a 1400-pixel window.
  const LabelColumn labels = segment_label_column(s, segments_in_id_order(s), 240, 90, /*with_population=*/true);
  const double label_w = labels.width, plot_w = 360, row_h = labels.row_height(22), top = 28;
  const double width = label_w + plot_w + 30, height = top + row_h * static_cast<double>(groups.size()) + 30;
  const svg::Scale x{lo, hi > lo ? hi : lo + 1, label_w, label_w + plot_w, log_axis};
  std::ostringstream o;
  o << open_svg("chart-box-" + p.name, width, height, "Distribution of " + p.name + " per segment (p5, p25, median, p75, p95)");
  // "recency_days (days, log scale)": short enough for the narrowest box plot; the label attribute
  // is the chart's tooltip.
  std::string qualifiers = p.meta.unit;
  if (log_axis) qualifiers += std::string(qualifiers.empty() ? "" : ", ") + "log scale";
  o << "<text x=\"" << coord(label_w) << "\" y=\"16\" class=\"chart-title\">" << escape(p.name)
    << (qualifiers.empty() ? "" : " (" + escape(qualifiers) + ")")
    << (p.meta.label.empty() ? "" : "<title>" + escape(p.meta.label) + "</title>") << "</text>";
  for (double t : x.ticks(5)) {
    if (t < x.domain_lo || t > x.domain_hi) continue;
    o << line(x(t), top - 4, x(t), height - 24, "#e8e8e8");
    o << text(x(t), height - 10, svg::format_number(t), "class=\"tick\" text-anchor=\"middle\"");
  }
  for (std::size_t r = 0; r < groups.size(); ++r) {
    const std::size_t g = groups[r];
    const double y = top + row_h * static_cast<double>(r), mid = y + row_h / 2;
    o << row_label(label_w - 8, mid, labels.lines[r]);
    if (g < s.k && s.suppressed(g)) {
      o << text(label_w + 4, mid + 4, s.suppression_reason(g), "class=\"suppressed\"");
      continue;
    }
    if (m.count[g] == 0) continue;
    const auto& q = p.quantiles[g];
    // Coloured by stable ID, so a segment keeps its colour from one period's report to the next.
    const std::string colour = g == s.k ? "#555555" : svg::segment_colour(static_cast<std::size_t>(s.segment_id(g)));
    o << "<g class=\"box\" data-group=\"" << (g == s.k ? std::string("population") : std::to_string(s.segment_id(g))) << "\">";
    o << line(x(q[0]), mid, x(q[1]), mid, colour, 1.5) << line(x(q[3]), mid, x(q[4]), mid, colour, 1.5);
    o << line(x(q[0]), mid - 5, x(q[0]), mid + 5, colour, 1.5) << line(x(q[4]), mid - 5, x(q[4]), mid + 5, colour, 1.5);
    o << rect(x(q[1]), y + 4, std::max(x(q[3]) - x(q[1]), 1.0), row_h - 8, colour, "fill-opacity=\"0.35\" stroke=\"" + colour + "\"");
    o << line(x(q[2]), y + 3, x(q[2]), y + row_h - 3, "#111111", 2);
    const double mx = x(m.mean[g]);
    o << "<path d=\"M" << coord(mx) << ' ' << coord(mid - 4) << " l4 4 l-4 4 l-4 -4 z\" fill=\"#ffffff\" stroke=\"#111111\"/>";
    o << "<title>" << escape((g == s.k ? std::string("population") : "segment " + std::to_string(s.segment_id(g))) + ": p5 " +
                             svg::format_number(q[0]) + ", p25 " + svg::format_number(q[1]) + ", median " +
                             svg::format_number(q[2]) + ", p75 " + svg::format_number(q[3]) + ", p95 " +
                             svg::format_number(q[4]) + ", mean " + svg::format_number(m.mean[g]))
      << "</title></g>";
  }
  o << "</svg>";
  return o.str();
}

std::string sweep_curve(const SweepSummary& w, const std::string& key, const std::string& title,
                        const std::function<double(const stats::SweepPoint&)>& metric) {
  const double width = 330, height = 210, left = 58, right = 14, top = 28, bottom = 34;
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  for (const auto& p : w.points) {
    const double v = metric(p);
    if (!std::isfinite(v)) continue;
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  }
  if (!std::isfinite(lo)) lo = 0, hi = 1;
  if (hi - lo < 1e-12) lo -= 0.5, hi += 0.5;
  const double pad = (hi - lo) * 0.08;
  const double k_lo = static_cast<double>(w.points.empty() ? 1 : w.points.front().k);
  const double k_hi = static_cast<double>(w.points.empty() ? 2 : w.points.back().k);
  const svg::Scale x{k_lo, k_hi > k_lo ? k_hi : k_lo + 1, left, width - right};
  const svg::Scale y{lo - pad, hi + pad, height - bottom, top};
  std::ostringstream o;
  o << open_svg("chart-sweep-" + key, width, height, title + " against k");
  o << text(left, 16, title, "class=\"chart-title\"");
  for (double t : y.ticks(4)) {
    o << line(left, y(t), width - right, y(t), "#ececec");
    o << text(left - 4, y(t) + 4, svg::format_number(t), "class=\"tick\" text-anchor=\"end\"");
  }
  for (const auto& p : w.points)
    o << text(x(static_cast<double>(p.k)), height - bottom + 16, std::to_string(p.k), "class=\"tick\" text-anchor=\"middle\"");
  o << text((left + width - right) / 2, height - 4, "k", "class=\"tick\" text-anchor=\"middle\"");
  const double rk = static_cast<double>(w.recommended_k);
  o << line(x(rk), top, x(rk), height - bottom, "#e15759", 1.5, "stroke-dasharray=\"4 3\" class=\"recommended\"");
  std::string points;
  for (const auto& p : w.points) {
    const double v = metric(p);
    if (std::isfinite(v)) points += coord(x(static_cast<double>(p.k))) + "," + coord(y(v)) + " ";
  }
  o << "<polyline points=\"" << points << "\" fill=\"none\" stroke=\"#4e79a7\" stroke-width=\"2\"/>";
  for (const auto& p : w.points) {
    const double v = metric(p);
    if (!std::isfinite(v)) continue;
    o << "<circle cx=\"" << coord(x(static_cast<double>(p.k))) << "\" cy=\"" << coord(y(v)) << "\" r=\"3.5\" fill=\""
      << (p.k == w.recommended_k ? "#e15759" : "#4e79a7") << "\"><title>k = " << p.k << ": " << svg::format_number(v)
      << "</title></circle>";
  }
  o << "</svg>";
  return o.str();
}

}  // namespace custseg::report::charts

namespace custseg::report::charts {

std::string calibration_chart(const ClvSummary& c) {
  const double width = 460, height = 260, left = 52, right = 150, top = 30, bottom = 40;
  double hi = 0;
  for (const auto& b : c.calibration)
    for (const double v : {b.actual_mean, b.predicted_mean})
      if (std::isfinite(v)) hi = std::max(hi, v);
  if (!(hi > 0)) hi = 1;
  const auto n = static_cast<double>(std::max<std::size_t>(c.calibration.size(), 2));
  const svg::Scale x{0, n - 1, left + 12, width - right - 12};
  const svg::Scale y{0, hi * 1.08, height - bottom, top};
  const std::string unit = c.time_unit.empty() ? "time units" : c.time_unit;
  const std::string title = "Holdout purchases per customer, actual vs predicted, by calibration frequency";
  std::ostringstream o;
  o << open_svg("chart-calibration", width, height, title);
  o << text(left, 16, "Holdout purchases (" + svg::format_number(c.holdout_length) + " " + unit + "), mean per customer",
            "class=\"chart-title\"");
  for (double t : y.ticks(5)) {
    o << line(left, y(t), width - right, y(t), "#ececec");
    o << text(left - 4, y(t) + 4, svg::format_number(t), "class=\"tick\" text-anchor=\"end\"");
  }
  for (std::size_t i = 0; i < c.calibration.size(); ++i)
    o << text(x(static_cast<double>(i)), height - bottom + 16, c.calibration[i].label, "class=\"tick\" text-anchor=\"middle\"");
  o << text((left + width - right) / 2, height - 6, "repeat purchases in the calibration period", "class=\"tick\" text-anchor=\"middle\"");
  // Actual solid blue, predicted dashed orange: the papers' conditional-expectation figure.
  const auto series = [&](const char* cls, const char* colour, const char* dash, auto value) {
    std::string points;
    for (std::size_t i = 0; i < c.calibration.size(); ++i)
      if (const double v = value(c.calibration[i]); std::isfinite(v))
        points += coord(x(static_cast<double>(i))) + "," + coord(y(v)) + " ";
    o << "<polyline class=\"" << cls << "\" points=\"" << points << "\" fill=\"none\" stroke=\"" << colour
      << "\" stroke-width=\"2\"" << dash << "/>";
    for (std::size_t i = 0; i < c.calibration.size(); ++i) {
      const auto& b = c.calibration[i];
      if (const double v = value(b); std::isfinite(v))
        o << "<circle cx=\"" << coord(x(static_cast<double>(i))) << "\" cy=\"" << coord(y(v)) << "\" r=\"3\" fill=\"" << colour
          << "\"><title>" << escape(b.label) << " repeat purchases (" << svg::format_number(static_cast<double>(b.customers))
          << " customers): " << cls << " " << svg::format_number(v) << "</title></circle>";
    }
  };
  series("actual", "#4e79a7", "", [](const CalibrationBucket& b) { return b.actual_mean; });
  series("predicted", "#f28e2b", " stroke-dasharray=\"5 3\"", [](const CalibrationBucket& b) { return b.predicted_mean; });
  const double lx = width - right + 14;
  o << line(lx, top + 10, lx + 22, top + 10, "#4e79a7", 2) << text(lx + 28, top + 14, "actual", "class=\"legend\"");
  o << line(lx, top + 30, lx + 22, top + 30, "#f28e2b", 2, "stroke-dasharray=\"5 3\"")
    << text(lx + 28, top + 34, "BG/NBD predicted", "class=\"legend\"");
  o << "</svg>";
  return o.str();
}

}  // namespace custseg::report::charts
