// report.html of custseg compare: one self-contained page (inline SVG, no network).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

#include "custseg/compare/migration.hpp"
#include "custseg/report/compare_reports.hpp"
#include "custseg/report/page_style.hpp"
#include "custseg/report/svg.hpp"

namespace custseg::report {

namespace {

using compare::CompareResult;
using svg::coord;
using svg::escape;
using svg::format_number;
using svg::format_percent;

// Follows kPageStyle (page_style.hpp), which ends mid-line: this continues its last line. The
// KPI and drift tables are set tighter so that 16 + 1 columns of 6-digit sums fit a 1280 px
// window; wider ones scroll inside their box and a wide chart is scaled down: the page itself
// never scrolls sideways (tests/browser/compare_in_chromium.sh, 1280 and 1920 px).
constexpr const char* kStyle = R"css(.note{font-size:13px;color:#333;max-width:1100px}
svg.chart{display:block;margin:6px 0 12px;max-width:100%;height:auto}svg text{font-size:12px;fill:#222}
.wide{overflow-x:auto;max-width:100%}.wide table{font-size:12px}.wide th,.wide td{padding:3px 5px}
)css";

// White to dark blue by the share of the row's customers.
std::string shade(double share) {
  const double t = std::clamp(share, 0.0, 1.0);
  char buf[8];
  std::snprintf(buf, sizeof buf, "#%02x%02x%02x", static_cast<int>(255 - 222 * t), static_cast<int>(255 - 160 * t),
                static_cast<int>(255 - 75 * t));
  return buf;
}

// The migration matrix as a shaded grid: cell size shrinks with the number of segments so that
// 16 + 1 columns still fit 900 px; counts are printed when the cell is wide enough, always in
// the tooltip.
std::string matrix_svg(const CompareResult& r) {
  const double cell = std::clamp(720.0 / static_cast<double>(r.cols()), 30.0, 90.0);
  const double left = 90, top = 60, width = left + cell * static_cast<double>(r.cols()) + 10;
  const double height = top + cell * static_cast<double>(r.rows()) + 10;
  std::ostringstream s;
  s << "<svg class=\"chart\" role=\"img\" aria-label=\"migration matrix\" width=\"" << coord(width) << "\" height=\""
    << coord(height) << "\" viewBox=\"0 0 " << coord(width) << ' ' << coord(height) << "\">";
  s << "<text x=\"" << coord(left) << "\" y=\"16\">current segment &#8594;</text>";
  s << "<text x=\"4\" y=\"" << coord(top - 8) << "\">previous &#8595;</text>";
  const auto rows = row_order(r), cols = col_order(r);
  for (std::size_t i = 0; i < cols.size(); ++i)
    s << "<text x=\"" << coord(left + cell * (static_cast<double>(i) + 0.5)) << "\" y=\"" << coord(top - 8)
      << "\" text-anchor=\"middle\">" << escape(col_label(r, cols[i])) << "</text>";
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const std::size_t row = rows[i];
    const double y = top + cell * static_cast<double>(i);
    const std::int64_t total = r.row_total(row);
    s << "<text x=\"" << coord(left - 8) << "\" y=\"" << coord(y + cell / 2 + 4) << "\" text-anchor=\"end\">"
      << escape(row_label(r, row)) << "</text>";
    for (std::size_t j = 0; j < cols.size(); ++j) {
      const std::size_t c = cols[j];
      const std::int64_t n = r.count(row, c);
      const double share = total > 0 ? static_cast<double>(n) / static_cast<double>(total) : 0.0;
      const double x = left + cell * static_cast<double>(j);
      s << "<rect x=\"" << coord(x) << "\" y=\"" << coord(y) << "\" width=\"" << coord(cell) << "\" height=\""
        << coord(cell) << "\" fill=\"" << shade(share) << "\" stroke=\"#fff\"><title>" << escape(row_label(r, row))
        << " &#8594; " << escape(col_label(r, c)) << ": " << format_number(static_cast<double>(n)) << " customers ("
        << format_percent(share) << " of the row)</title></rect>";
      // 16 segments give 42 px cells: counts still fit at 10 px (up to "999,999").
      if (cell >= 38)
        s << "<text x=\"" << coord(x + cell / 2) << "\" y=\"" << coord(y + cell / 2 + 4) << "\" text-anchor=\"middle\""
          << " style=\"font-size:" << (cell < 56 ? 10 : 12) << "px" << (share > 0.55 ? ";fill:#fff" : "") << "\">"
          << format_number(static_cast<double>(n)) << "</text>";
    }
  }
  s << "</svg>";
  return s.str();
}

std::string card(const std::string& label, const std::string& value) {
  return "<div class=\"card\">" + escape(label) + "<b>" + escape(value) + "</b></div>";
}

std::string kpi_tables(const CompareResult& r) {
  std::ostringstream s;
  const std::size_t m = r.kpi_names.size();
  const auto rows = row_order(r), cols = col_order(r);
  for (std::size_t k = 0; k < m; ++k) {
    s << "<h3>" << escape(r.kpi_names[k]) << " moved</h3><div class=\"wide\"><table><tr><th class=\"text\">previous \\ current</th>";
    for (const std::size_t c : cols) s << "<th>" << escape(col_label(r, c)) << "</th>";
    s << "</tr>";
    for (const std::size_t row : rows) {
      s << "<tr><td class=\"text\">" << escape(row_label(r, row)) << "</td>";
      for (const std::size_t c : cols) s << "<td>" << format_number(r.kpi_sums[(row * r.cols() + c) * m + k]) << "</td>";
      s << "</tr>";
    }
    s << "</table></div>";
  }
  return s.str();
}

std::string drift_table(const CompareResult& r) {
  std::ostringstream s;
  const auto& d = r.drift;
  if (!d.note.empty()) s << "<p class=\"note\">" << escape(d.note) << "</p>";
  // No ID kept (every segment matched beyond the threshold, or runs made without --previous that
  // share no ID): a note, not a table of headers alone.
  if (d.computable && d.segments.empty())
    s << "<p class=\"note\">No segment ID is in both runs: there is no centroid to follow.</p>";
  if (d.computable && !d.segments.empty()) {
    s << "<div class=\"wide\"><table><tr><th>segment ID</th><th>distance (previous scaled space)</th>";
    for (const auto& f : d.features) s << "<th>&#916; " << escape(f) << "</th>";
    s << "</tr>";
    for (const auto& seg : d.segments) {
      s << "<tr><td>" << seg.id << "</td><td>" << format_number(seg.distance) << "</td>";
      for (const double v : seg.change) s << "<td>" << format_number(v) << "</td>";
      s << "</tr>";
    }
    s << "</table></div>";
  }
  const auto list = [](const std::vector<std::int32_t>& ids) {
    std::string t;
    for (const auto id : ids) t += (t.empty() ? "" : ", ") + std::to_string(id);
    return t.empty() ? std::string("none") : t;
  };
  s << "<p class=\"note\">Segment IDs only in the previous run: " << list(d.only_previous)
    << ". Only in the current run: " << list(d.only_current) << ".</p>";
  return s.str();
}

std::string stability_table(const CompareResult& r) {
  if (r.stability.empty()) return "<p class=\"note\">Not computed (see the notes).</p>";
  std::ostringstream s;
  s << "<table><tr><th class=\"text\">feature</th><th>PSI</th><th class=\"text\">reading</th></tr>";
  for (const auto& f : r.stability)
    s << "<tr><td class=\"text\">" << escape(f.feature) << "</td><td>" << format_number(f.psi) << "</td><td class=\"text\">"
      << compare::psi_reading(f.psi) << "</td></tr>";
  s << "</table><p class=\"note\">PSI = &#931; (b &#8722; a) ln(b / a) over 10 bins at the previous period's deciles; "
       "empty bins count as a share of " << compare::kPsiEpsilon << ". &lt; 0.1 stable, 0.1&#8211;0.25 moderate, "
       "&gt; 0.25 major shift.</p>";
  return s.str();
}

}  // namespace

std::string compare_html(const CompareResult& r) {
  std::ostringstream s;
  s << "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>custseg compare</title><style>"
    << kPageStyle << kStyle
    << "</style></head><body><h1>Who moved where</h1><p class=\"meta\">previous: " << escape(r.previous.path)
    << "<br>current: " << escape(r.current.path) << "</p><div class=\"cards\">"
    << card("customers in both", format_number(static_cast<double>(r.in_both())))
    << card("new", format_number(static_cast<double>(r.fresh())))
    << card("lost", format_number(static_cast<double>(r.lost())))
    << card("adjusted Rand index", format_number(r.ari)) << "</div>";
  s << "<h2>Migration matrix</h2><p class=\"note\">Rows: the previous run's segment IDs and <i>new</i> customers; "
       "columns: the current run's segment IDs and <i>lost</i> customers. Shade: share of the row's customers.</p>"
    << matrix_svg(r) << kpi_tables(r);
  s << "<h2>Centroid drift</h2>" << drift_table(r);
  s << "<h2>Feature stability</h2>" << stability_table(r);
  if (!r.notes.empty()) {
    s << "<h2>Notes</h2><ul class=\"note\">";
    for (const auto& n : r.notes) s << "<li>" << escape(n) << "</li>";
    s << "</ul>";
  }
  s << "</body></html>\n";
  return s.str();
}

}  // namespace custseg::report
