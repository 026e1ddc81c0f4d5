#pragma once
// report.html's customer lifetime value parts (segment --clv, issue 14): the headline cards and
// the section with the fits, their caveats and the calibration chart. Pure functions of the run.
#include <string>

#include "custseg/report/run_summary.hpp"

namespace custseg::report {

// The CLV headline cards (total CLV over the horizon, expected active customers), each a
// <div class="card clv-card">; empty without --clv.
std::string clv_cards(const RunSummary& s);

// <h2 id="clv"> ... : what the models are (with their sources), the fitted parameters with
// standard errors, a warning when a fit is not a proper interior maximum, and the calibration
// chart when the table has holdout columns; empty without --clv.
std::string clv_section(const RunSummary& s);

}  // namespace custseg::report
