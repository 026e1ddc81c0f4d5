#pragma once
// Maximum likelihood over log-parameters with NLopt's L-BFGS (NLOPT_LD_LBFGS, Debian's
// libnlopt-dev), and standard errors from a numeric Hessian. No MPI here: the objective is a
// callback, and the distributed fit (clv/fit.hpp) passes one whose every call is one collective.
// Every rank then runs this same deterministic code on the same numbers, so all ranks take the
// same steps and stop at the same point (DESIGN.md, "the one pattern").
#include <functional>
#include <string>
#include <vector>

namespace custseg::clv {

// The global log-likelihood and its gradient at `log_params`; `out_of_range` counts terms that
// could not be summed exactly (clv/exact_terms.hpp), in which case value and gradient are void.
struct Evaluation {
  double value = 0.0;
  std::vector<double> gradient;
  long long out_of_range = 0;
};
using LogLikFn = std::function<Evaluation(const std::vector<double>& log_params)>;

struct MaximizeOptions {
  double xtol_rel = 1e-10;    // stop when no log-parameter moves by more than this, relatively
  double ftol_rel = 1e-15;    // or the log-likelihood changes by less than this, relatively
  int max_evaluations = 2000;
  // Box on each log-parameter (|ln theta| <= bound): keeps every term of ordinary data far inside
  // the exact-sum range, and a runaway parameter (e^15 = 3.3e6) visible instead of overflowing.
  double log_bound = 15.0;
  double hessian_step = 1e-4;  // central-difference step in log-parameter space
};

struct Maximum {
  std::vector<double> log_params;
  double log_likelihood = 0.0;
  int evaluations = 0;       // log-likelihood-and-gradient evaluations by NLopt (L-BFGS has no
                             // separate iteration count; each line-search trial is one)
  std::string stop_reason;   // NLopt's result, e.g. "XTOL_REACHED"
  bool converged = false;    // a tolerance was met (not the evaluation limit)
  bool at_bound = false;     // some log-parameter ended on the box: the data does not pin it down
};

// Maximizes `loglik` from `start`. Throws custseg::Error (input) when a term leaves the exact-sum
// range, and internal when NLopt fails outright.
Maximum maximize(const LogLikFn& loglik, const std::vector<double>& start, const MaximizeOptions& options);

// The Hessian of the log-likelihood in log-parameter space at `log_params`, by central
// differences of the analytic gradient: H_ij = (g_j(x + h e_i) - g_j(x - h e_i)) / 2h, then
// symmetrised. 2 * dim evaluations. Row-major dim x dim.
std::vector<double> numeric_hessian(const LogLikFn& loglik, const std::vector<double>& log_params, double h);

// Standard errors of the natural parameters theta = exp(log_params) at the maximum: the inverse
// of the observed information -H (log space) by the delta method, se_i = theta_i sqrt([(-H)^-1]_ii).
// NaN for every parameter when -H is not positive definite (the maximum is not a proper one).
std::vector<double> standard_errors(const std::vector<double>& hessian, const std::vector<double>& log_params);

}  // namespace custseg::clv
