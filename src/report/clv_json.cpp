#include "custseg/report/clv_json.hpp"

#include <cmath>

namespace custseg::report {

namespace {
// JSON has no NaN: null.
nlohmann::json number_or_null(double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(); }
}  // namespace

nlohmann::json clv_fit_json(const clv::FitReport& r) {
  nlohmann::json j;
  for (std::size_t i = 0; i < r.names.size(); ++i) {
    j["params"][r.names[i]] = r.params[i];
    j["standard_errors"][r.names[i]] = number_or_null(r.standard_errors[i]);
  }
  j["log_likelihood"] = r.log_likelihood;
  j["evaluations"] = r.evaluations;
  j["stop_reason"] = r.stop_reason;
  j["converged"] = r.converged;
  j["at_bound"] = r.at_bound;
  j["customers"] = r.customers;
  j["excluded"] = r.excluded;
  j["seconds"] = r.seconds;
  return j;
}

nlohmann::json clv_summary_json(const ClvSummary& c) {
  nlohmann::json j{{"bgnbd", clv_fit_json(c.purchases)},
                   {"horizon", c.horizon},
                   {"discount_rate", c.discount_rate},
                   {"time_unit", c.time_unit},
                   {"calibration_end", c.calibration_end},
                   {"currency", c.currency},
                   {"customers_fitted", c.customers_fitted},
                   {"holdout_length", c.holdout_length}};
  if (c.spend) j["gamma_gamma"] = clv_fit_json(*c.spend);
  nlohmann::json buckets = nlohmann::json::array();
  for (const auto& b : c.calibration)
    buckets.push_back({{"frequency", b.label}, {"customers", b.customers}, {"actual_mean", number_or_null(b.actual_mean)},
                       {"predicted_mean", number_or_null(b.predicted_mean)}});
  j["calibration"] = buckets;
  return j;
}

}  // namespace custseg::report
