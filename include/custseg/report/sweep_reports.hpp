#pragma once
// sweep.csv and the console table of custseg sweep (the sweep's curves are in report.html).
#include <string>

#include "custseg/report/run_summary.hpp"

namespace custseg::report {

// Header "k,inertia,iterations,converged,calinski_harabasz,davies_bouldin,silhouette,stability,
// smallest_segment,recommended"; one line per k. A smallest segment below min_segment_size is
// shown as "< N" (privacy).
std::string render_sweep_csv(const SweepSummary& w, std::int64_t min_segment_size);
std::string render_sweep_console(const SweepSummary& w, std::int64_t min_segment_size);

}  // namespace custseg::report
