#pragma once
// report.html: one self-contained file (inline CSS and SVG, no network, no external fonts) that
// says what each segment is, how big and how valuable it is, whether it is substantial and fair,
// and, after a sweep, how k was chosen. Rendered on rank 0 from the run summary only: no customer
// id and no figure of a suppressed segment can appear in it.
#include <string>

#include "custseg/report/run_summary.hpp"

namespace custseg::report {

std::string render_html_report(const RunSummary& s);

}  // namespace custseg::report
