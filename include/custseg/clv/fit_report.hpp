#pragma once
// What a CLV model fit reports (clv/fit.hpp). MPI-free, so that the reports can carry it.
#include <cstdint>
#include <string>
#include <vector>

namespace custseg::clv {

struct FitReport {
  std::vector<std::string> names;      // parameter names, e.g. r, alpha, a, b
  std::vector<double> params;          // natural units (alpha in the data's time unit, gamma in its currency)
  std::vector<double> standard_errors; // from the numeric Hessian (clv/maximize.hpp); NaN when not proper
  double log_likelihood = 0.0;         // sum over the customers used
  int evaluations = 0;
  std::string stop_reason;
  bool converged = false;
  bool at_bound = false;
  std::int64_t customers = 0;          // used in the fit
  std::int64_t excluded = 0;           // BG/NBD: rows outside the cohort; gamma-gamma: x = 0 or spend <= 0
  double seconds = 0.0;                // wall time of the fit on rank 0's clock
};

}  // namespace custseg::clv
