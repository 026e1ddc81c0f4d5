#include "custseg/clv/gamma_gamma.hpp"

#include <boost/math/special_functions/digamma.hpp>
#include <boost/math/special_functions/gamma.hpp>
#include <cmath>
#include <stdexcept>

namespace custseg::clv {

using boost::math::digamma;
using boost::math::lgamma;

GammaGammaParams gamma_gamma_from_log(const GammaGammaVector& v) { return {std::exp(v[0]), std::exp(v[1]), std::exp(v[2])}; }

GammaGammaVector gamma_gamma_to_log(const GammaGammaParams& p) { return {std::log(p.p), std::log(p.q), std::log(p.gamma)}; }

const char* spend_row_problem(const SpendCustomer& c) {
  if (std::isnan(c.x)) return nullptr;  // outside the cohort
  if (!std::isfinite(c.m)) return "monetary value is not finite";
  if (c.m < 0.0) return "monetary value is negative (the mean of purchase values)";
  return nullptr;
}

bool gamma_gamma_usable(const SpendCustomer& c) {
  return std::isfinite(c.x) && c.x >= 1.0 && c.x == std::floor(c.x) && std::isfinite(c.m) && c.m > 0.0;
}

double gamma_gamma_log_likelihood(const GammaGammaParams& g, const SpendCustomer& c) {
  const double px = g.p * c.x;
  return lgamma(px + g.q) - lgamma(px) - lgamma(g.q) + g.q * std::log(g.gamma) + (px - 1.0) * std::log(c.m) +
         px * std::log(c.x) - (px + g.q) * std::log(g.gamma + c.m * c.x);
}

LogLikTerm<kGammaGammaParams> gamma_gamma_log_likelihood_gradient(const GammaGammaParams& g, const SpendCustomer& c) {
  const double px = g.p * c.x;
  const double dg = digamma(px + g.q);
  const double log_gm = std::log(g.gamma + c.m * c.x);
  const double d_p = c.x * (dg - digamma(px) + std::log(c.m) + std::log(c.x) - log_gm);
  const double d_q = dg - digamma(g.q) + std::log(g.gamma) - log_gm;
  const double d_gamma = g.q / g.gamma - (px + g.q) / (g.gamma + c.m * c.x);
  // Chain rule to log-parameters: d/d(ln theta) = theta d/d(theta).
  return {gamma_gamma_log_likelihood(g, c), {g.p * d_p, g.q * d_q, g.gamma * d_gamma}};
}

double gamma_gamma_expected_spend(const GammaGammaParams& g, double x, double m) {
  if (!(g.q > 1.0)) throw std::domain_error("gamma_gamma_expected_spend: q <= 1 (no finite mean spend)");
  if (!(x >= 0.0)) throw std::domain_error("gamma_gamma_expected_spend: x < 0");
  return (g.gamma + m * x) * g.p / (g.p * x + g.q - 1.0);
}

}  // namespace custseg::clv
