#include "custseg/clv/maximize.hpp"

#include <nlopt.h>

#include <Eigen/Dense>
#include <cmath>
#include <memory>

#include "custseg/util/error.hpp"

namespace custseg::clv {
namespace {

// What NLopt's C callback needs, and where it leaves a refusal: exceptions must not cross NLopt's
// C frames, so the callback stops the run and maximize() throws afterwards.
struct Objective {
  const LogLikFn* loglik = nullptr;
  nlopt_opt opt = nullptr;
  int evaluations = 0;
  long long out_of_range = 0;
};

double objective(unsigned n, const double* x, double* grad, void* data) {
  auto* o = static_cast<Objective*>(data);
  ++o->evaluations;
  const Evaluation e = (*o->loglik)(std::vector<double>(x, x + n));
  if (e.out_of_range > 0) {
    // Every rank sees the same global count, so every rank stops here alike.
    o->out_of_range = e.out_of_range;
    nlopt_force_stop(o->opt);
    return 0.0;  // discarded: NLopt returns NLOPT_FORCED_STOP
  }
  if (grad != nullptr) std::copy(e.gradient.begin(), e.gradient.end(), grad);
  return e.value;
}

const char* result_name(nlopt_result r) {
  switch (r) {
    case NLOPT_SUCCESS: return "SUCCESS";
    case NLOPT_STOPVAL_REACHED: return "STOPVAL_REACHED";
    case NLOPT_FTOL_REACHED: return "FTOL_REACHED";
    case NLOPT_XTOL_REACHED: return "XTOL_REACHED";
    case NLOPT_MAXEVAL_REACHED: return "MAXEVAL_REACHED";
    case NLOPT_MAXTIME_REACHED: return "MAXTIME_REACHED";
    case NLOPT_ROUNDOFF_LIMITED: return "ROUNDOFF_LIMITED";
    case NLOPT_FORCED_STOP: return "FORCED_STOP";
    case NLOPT_OUT_OF_MEMORY: return "OUT_OF_MEMORY";
    case NLOPT_INVALID_ARGS: return "INVALID_ARGS";
    default: return "FAILURE";
  }
}

using OptPtr = std::unique_ptr<std::remove_pointer_t<nlopt_opt>, decltype(&nlopt_destroy)>;

OptPtr make_optimizer(nlopt_algorithm algorithm, unsigned n, const MaximizeOptions& options, Objective& o) {
  OptPtr opt(nlopt_create(algorithm, n), &nlopt_destroy);
  if (!opt) throw Error(ExitCode::internal, std::string("NLopt: cannot create ") + nlopt_algorithm_name(algorithm));
  const std::vector<double> lower(n, -options.log_bound), upper(n, options.log_bound);
  nlopt_set_lower_bounds(opt.get(), lower.data());
  nlopt_set_upper_bounds(opt.get(), upper.data());
  nlopt_set_max_objective(opt.get(), &objective, &o);
  nlopt_set_xtol_rel(opt.get(), options.xtol_rel);
  nlopt_set_ftol_rel(opt.get(), options.ftol_rel);
  nlopt_set_maxeval(opt.get(), options.max_evaluations);
  return opt;
}

}  // namespace

Maximum maximize(const LogLikFn& loglik, const std::vector<double>& start, const MaximizeOptions& options) {
  const auto n = static_cast<unsigned>(start.size());
  Objective o{&loglik};
  OptPtr opt = make_optimizer(NLOPT_LD_LBFGS, n, options, o);
  o.opt = opt.get();
  Maximum m;
  m.log_params = start;
  nlopt_result r = nlopt_optimize(opt.get(), m.log_params.data(), &m.log_likelihood);
  std::string how = result_name(r);
  if (r == NLOPT_FAILURE && o.out_of_range == 0) {
    // L-BFGS's line search gives up on some likelihoods that flatten toward a bound (no dropout
    // at all: a -> 0, b -> infinity). BOBYQA, derivative-free and deterministic like every step
    // here, continues from where it stopped; every rank takes the same path.
    OptPtr fallback = make_optimizer(NLOPT_LN_BOBYQA, n, options, o);
    o.opt = fallback.get();
    r = nlopt_optimize(fallback.get(), m.log_params.data(), &m.log_likelihood);
    how = "L-BFGS FAILURE, then BOBYQA " + std::string(result_name(r));
  }
  if (o.out_of_range > 0)
    throw_input("CLV fit: " + std::to_string(o.out_of_range) +
                " log-likelihood terms are not finite or exceed the exact-sum range (|term| > 2^40); "
                "are the data's units far from ordinary (time in weeks or days, money in currency units)?");
  if (r < 0 && r != NLOPT_ROUNDOFF_LIMITED)
    throw Error(ExitCode::internal, "CLV fit: NLopt failed: " + how);
  m.evaluations = o.evaluations;
  m.stop_reason = how;
  m.converged = r == NLOPT_XTOL_REACHED || r == NLOPT_FTOL_REACHED || r == NLOPT_SUCCESS || r == NLOPT_ROUNDOFF_LIMITED;
  for (double v : m.log_params) m.at_bound = m.at_bound || std::abs(v) >= options.log_bound;
  return m;
}

std::vector<double> numeric_hessian(const LogLikFn& loglik, const std::vector<double>& x, double h) {
  const std::size_t n = x.size();
  Eigen::MatrixXd hess(n, n);
  for (std::size_t i = 0; i < n; ++i) {
    std::vector<double> up = x, down = x;
    up[i] += h;
    down[i] -= h;
    const Evaluation gu = loglik(up), gd = loglik(down);
    if (gu.out_of_range > 0 || gd.out_of_range > 0) throw_input("CLV fit: the Hessian leaves the exact-sum range");
    for (std::size_t j = 0; j < n; ++j) hess(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) = (gu.gradient[j] - gd.gradient[j]) / (2.0 * h);
  }
  const Eigen::MatrixXd sym = 0.5 * (hess + hess.transpose());
  return {sym.data(), sym.data() + n * n};  // symmetric: column-major equals row-major
}

std::vector<double> standard_errors(const std::vector<double>& hessian, const std::vector<double>& log_params) {
  const auto n = static_cast<Eigen::Index>(log_params.size());
  const Eigen::MatrixXd info = -Eigen::Map<const Eigen::MatrixXd>(hessian.data(), n, n);
  const Eigen::LLT<Eigen::MatrixXd> llt(info);
  std::vector<double> se(log_params.size(), std::nan(""));
  if (llt.info() != Eigen::Success) return se;
  const Eigen::MatrixXd cov = llt.solve(Eigen::MatrixXd::Identity(n, n));
  for (Eigen::Index i = 0; i < n; ++i) se[static_cast<std::size_t>(i)] = std::exp(log_params[static_cast<std::size_t>(i)]) * std::sqrt(cov(i, i));
  return se;
}

}  // namespace custseg::clv
