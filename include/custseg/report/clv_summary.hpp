#pragma once
// What the reports say about `segment --clv` (issue 14): the two fits, the horizon and units, and
// the calibration check of the papers' figures. Per-segment CLV figures are KPIs
// (stats::KpiProfile with source "clv"); per-customer ones go to results.h5 and assignments.csv.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "custseg/clv/fit_report.hpp"
#include "custseg/util/number_text.hpp"

namespace custseg::report {

// Customers with one calibration frequency (the last bucket: that many or more), their mean
// holdout purchases as observed and as BG/NBD predicts from each one's calibration history
// (E[X(holdout_length) | x, t_x, T], Fader, Hardie & Lee 2005, eq. 10): the conditional-
// expectation check of FHL05 Figure 4.
struct CalibrationBucket {
  std::string label;         // "0", "1", ..., "7+"
  std::int64_t customers = 0;
  double actual_mean = 0.0;     // mean holdout_frequency
  double predicted_mean = 0.0;  // mean conditional expectation
};

struct ClvSummary {
  clv::FitReport purchases;            // BG/NBD
  std::optional<clv::FitReport> spend;  // gamma-gamma, when the table has a monetary column
  double horizon = 0.0, discount_rate = 0.0;  // in time_unit
  std::string time_unit;        // "weeks" or "days" (the table's time_unit attribute; empty: unknown)
  std::string calibration_end;  // YYYY-MM-DD when ingest wrote it
  std::string currency;         // the monetary column's unit attribute ("" when none)
  std::int64_t customers_fitted = 0;  // customers of the calibration cohort (every row of the table in it)
  double holdout_length = 0.0;        // time units; 0: no holdout columns, no calibration chart
  std::vector<CalibrationBucket> calibration;

  // "39 weeks": the horizon as given, in the table's unit, for every text that names it (the KPI
  // descriptions of segments.csv and report.json, and report.html).
  [[nodiscard]] std::string horizon_text() const {
    return number_text(horizon) + " " + (time_unit.empty() ? "time units" : time_unit);
  }
};

}  // namespace custseg::report
