#include "custseg/clv/bgnbd.hpp"

#include <boost/math/special_functions/digamma.hpp>
#include <boost/math/special_functions/gamma.hpp>
#include <boost/math/special_functions/hypergeometric_pFq.hpp>
#include <cmath>
#include <stdexcept>

namespace custseg::clv {
namespace {

using boost::math::digamma;
using boost::math::lgamma;

// The pieces of FHL05 (6) in log form (note 027): L = exp(A1 + A2) (exp(A3) + [x > 0] exp(A4)).
struct BgnbdPieces {
  double a12 = 0.0;  // A1 + A2: ln [G(r+x) alpha^r / G(r)] + ln [B(a, b+x) / B(a, b)]
  double a3 = 0.0;   // -(r+x) ln(alpha + T): the customer still alive at T
  double a4 = 0.0;   // ln a - ln(b+x-1) - (r+x) ln(alpha + t_x): dropped out right after t_x
  bool has_a4 = false;
};

BgnbdPieces pieces(const BgnbdParams& p, const BgnbdCustomer& c) {
  BgnbdPieces s;
  const double rx = p.r + c.x;
  s.a12 = lgamma(rx) - lgamma(p.r) + p.r * std::log(p.alpha) + lgamma(p.a + p.b) + lgamma(p.b + c.x) -
          lgamma(p.b) - lgamma(p.a + p.b + c.x);
  s.a3 = -rx * std::log(p.alpha + c.T);
  s.has_a4 = c.x > 0.0;
  if (s.has_a4) s.a4 = std::log(p.a) - std::log(p.b + c.x - 1.0) - rx * std::log(p.alpha + c.t_x);
  return s;
}

// ln(exp(a3) + [has_a4] exp(a4)) without overflow, and the weights exp(a_i - that) of each branch.
struct LogSum {
  double value = 0.0;
  double w3 = 1.0;
  double w4 = 0.0;
};

LogSum log_sum(const BgnbdPieces& s) {
  if (!s.has_a4) return {s.a3, 1.0, 0.0};
  const double hi = std::max(s.a3, s.a4);
  const double value = hi + std::log(std::exp(s.a3 - hi) + std::exp(s.a4 - hi));
  return {value, std::exp(s.a3 - value), std::exp(s.a4 - value)};
}

}  // namespace

BgnbdParams bgnbd_from_log(const BgnbdVector& v) {
  return {std::exp(v[0]), std::exp(v[1]), std::exp(v[2]), std::exp(v[3])};
}

BgnbdVector bgnbd_to_log(const BgnbdParams& p) {
  return {std::log(p.r), std::log(p.alpha), std::log(p.a), std::log(p.b)};
}

bool outside_cohort(const BgnbdCustomer& c) { return std::isnan(c.x) && std::isnan(c.t_x) && std::isnan(c.T); }

const char* bgnbd_row_problem(const BgnbdCustomer& c) {
  if (!std::isfinite(c.x) || !std::isfinite(c.t_x) || !std::isfinite(c.T)) return "a value is not finite";
  if (c.x < 0.0 || c.x != std::floor(c.x)) return "frequency is not a whole number >= 0";
  // T = 0 is a customer whose first purchase is on the calibration end: no repeat purchase yet
  // (x = 0), and a likelihood term like any other ((alpha / alpha)^r = 1).
  if (!(c.T > 0.0) && !(c.T == 0.0 && c.x == 0.0)) return "T (time since the first purchase) is not > 0";
  if (c.t_x < 0.0 || c.t_x > c.T) return "recency is not within [0, T]";
  if (c.x == 0.0 && c.t_x != 0.0) return "recency is not 0 for a customer without repeat purchases";
  return nullptr;
}

double bgnbd_log_likelihood(const BgnbdParams& p, const BgnbdCustomer& c) {
  const BgnbdPieces s = pieces(p, c);
  return s.a12 + log_sum(s).value;
}

LogLikTerm<kBgnbdParams> bgnbd_log_likelihood_gradient(const BgnbdParams& p, const BgnbdCustomer& c) {
  const BgnbdPieces s = pieces(p, c);
  const LogSum ls = log_sum(s);
  const double rx = p.r + c.x;
  const double dg_ab = digamma(p.a + p.b);
  const double dg_abx = digamma(p.a + p.b + c.x);
  // Derivatives with respect to the natural parameters first, term by term.
  double d_r = digamma(rx) - digamma(p.r) + std::log(p.alpha) - ls.w3 * std::log(p.alpha + c.T);
  double d_alpha = p.r / p.alpha - ls.w3 * rx / (p.alpha + c.T);
  double d_a = dg_ab - dg_abx;
  double d_b = dg_ab + digamma(p.b + c.x) - digamma(p.b) - dg_abx;
  if (s.has_a4) {
    d_r -= ls.w4 * std::log(p.alpha + c.t_x);
    d_alpha -= ls.w4 * rx / (p.alpha + c.t_x);
    d_a += ls.w4 / p.a;
    d_b -= ls.w4 / (p.b + c.x - 1.0);
  }
  // Chain rule to log-parameters: d/d(ln theta) = theta d/d(theta).
  return {s.a12 + ls.value, {p.r * d_r, p.alpha * d_alpha, p.a * d_a, p.b * d_b}};
}

double bgnbd_p_alive(const BgnbdParams& p, const BgnbdCustomer& c) {
  if (c.x == 0.0) return 1.0;
  // The odds of "dropped out after t_x" against "alive", in logs so that large x cannot overflow.
  const double log_odds =
      std::log(p.a / (p.b + c.x - 1.0)) + (p.r + c.x) * std::log((p.alpha + c.T) / (p.alpha + c.t_x));
  return 1.0 / (1.0 + std::exp(log_odds));
}

double bgnbd_expected_purchases(const BgnbdParams& p, const BgnbdCustomer& c, double t) {
  if (p.a == 1.0) throw std::domain_error("bgnbd_expected_purchases: a == 1 (FHL05 eq. 10 divides by a - 1)");
  if (!(t >= 0.0)) throw std::domain_error("bgnbd_expected_purchases: horizon t < 0");
  const double rx = p.r + c.x;
  const double z = t / (p.alpha + c.T + t);
  const double f21 = boost::math::hypergeometric_pFq({rx, p.b + c.x}, {p.a + p.b + c.x - 1.0}, z);
  const double numerator = (p.a + p.b + c.x - 1.0) / (p.a - 1.0) *
                           (1.0 - std::pow((p.alpha + c.T) / (p.alpha + c.T + t), rx) * f21);
  // The denominator of (10) is 1 / P(alive).
  return numerator * bgnbd_p_alive(p, c);
}

}  // namespace custseg::clv
