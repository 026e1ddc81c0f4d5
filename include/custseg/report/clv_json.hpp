#pragma once
// The CLV fits as JSON: clv.json (custseg clv) and report.json's "clv" (segment --clv).
#include <nlohmann/json.hpp>

#include "custseg/clv/fit_report.hpp"
#include "custseg/report/clv_summary.hpp"

namespace custseg::report {

// One fit: params, standard_errors (null where NaN: no proper maximum), log_likelihood,
// evaluations, stop_reason, converged, at_bound, customers, excluded, seconds.
nlohmann::json clv_fit_json(const clv::FitReport& fit);

// report.json "clv": bgnbd, gamma_gamma (when fitted), horizon, discount_rate, time_unit,
// calibration_end, currency, customers_fitted, holdout_length and calibration
// (per bucket: frequency, customers, actual_mean, predicted_mean).
nlohmann::json clv_summary_json(const ClvSummary& summary);

}  // namespace custseg::report
