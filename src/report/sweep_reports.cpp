#include "custseg/report/sweep_reports.hpp"

#include <cmath>
#include <cstdio>
#include <sstream>

namespace custseg::report {

namespace {
std::string num(double v, const char* format = "%.10g") {
  if (!std::isfinite(v)) return "";
  char buf[40];
  std::snprintf(buf, sizeof buf, format, v);
  return buf;
}
std::string smallest(std::int64_t n, std::int64_t floor) {
  return n < floor ? "< " + std::to_string(floor) : std::to_string(n);
}
// sweep.csv's cells: the size, or empty (with the flag true) below the privacy floor.
std::string smallest_cells(std::int64_t n, std::int64_t floor) {
  return n < floor ? ",true" : std::to_string(n) + ",false";
}
}  // namespace

std::string render_sweep_csv(const SweepSummary& w, std::int64_t min_segment_size) {
  std::ostringstream out;
  out << "k,inertia,iterations,converged,calinski_harabasz,davies_bouldin,silhouette,stability,smallest_segment,"
         "smallest_segment_suppressed,recommended\n";
  for (const auto& p : w.points)
    out << p.k << ',' << num(p.inertia) << ',' << p.iterations << ',' << (p.converged ? "true" : "false") << ','
        << num(p.quality.calinski_harabasz) << ',' << num(p.quality.davies_bouldin) << ',' << num(p.quality.silhouette)
        << ',' << num(p.stability) << ',' << smallest_cells(p.smallest_segment, min_segment_size) << ','
        << (p.k == w.recommended_k ? "true" : "false") << '\n';
  return out.str();
}

std::string render_sweep_console(const SweepSummary& w, std::int64_t min_segment_size) {
  std::ostringstream out;
  char buf[200];
  out << "    k        inertia  iter  Calinski-H  Davies-B  silhouette  stability  smallest\n";
  for (const auto& p : w.points) {
    std::snprintf(buf, sizeof buf, "%s%3zu %14.6g %5d %11.6g %9.4f %11.4f %10.4f %9s\n", p.k == w.recommended_k ? "  *" : "   ",
                  p.k, p.inertia, p.iterations, p.quality.calinski_harabasz, p.quality.davies_bouldin,
                  p.quality.silhouette, p.stability, smallest(p.smallest_segment, min_segment_size).c_str());
    out << buf;
  }
  out << "recommended k = " << w.recommended_k << (w.recommended_from_candidates ? "" : " (no k met every condition)")
      << "\nrule: " << w.rule << "\n";
  return out.str();
}

}  // namespace custseg::report
