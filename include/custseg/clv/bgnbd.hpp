#pragma once
// The BG/NBD model of repeat purchasing (Fader, Hardie & Lee 2005, "'Counting Your Customers' the
// Easy Way: An Alternative to the Pareto/NBD Model", Marketing Science 24(2) 275-284; "FHL05"
// below). Per-customer pieces only, no MPI: the fit sums them over all ranks (clv/fit.hpp).
//
// Time is in whatever unit the inputs use (custseg's CDNOW tests use weeks); alpha is in the same
// unit, r, a and b are unitless. Parameters enter the optimizer as their logarithms, so the
// gradients below are with respect to (ln r, ln alpha, ln a, ln b): any real vector is then a
// valid parameter set, and the scales of the four parameters become comparable.
#include <array>

namespace custseg::clv {

struct BgnbdParams {
  double r = 1.0;      // shape of the gamma mixing the purchase rates
  double alpha = 1.0;  // scale of that gamma, in time units
  double a = 1.0;      // beta (a, b) mixing the dropout probability after each purchase
  double b = 1.0;
};

// One customer's calibration statistics (FHL05 section 3): x repeat purchases (purchases after
// the first, same-day purchases counted once), the last at t_x after the first purchase, observed
// for T after the first purchase. Valid when x is a whole number >= 0, 0 <= t_x <= T, T > 0, and
// t_x = 0 when x = 0 (bgnbd_row_problem).
struct BgnbdCustomer {
  double x = 0.0;
  double t_x = 0.0;
  double T = 0.0;
};

inline constexpr int kBgnbdParams = 4;
using BgnbdVector = std::array<double, kBgnbdParams>;  // (ln r, ln alpha, ln a, ln b)

// A log-likelihood term and its gradient with respect to the log-parameters.
template <int N>
struct LogLikTerm {
  double value = 0.0;
  std::array<double, N> gradient{};
};

[[nodiscard]] BgnbdParams bgnbd_from_log(const BgnbdVector& log_params);
[[nodiscard]] BgnbdVector bgnbd_to_log(const BgnbdParams& params);

// A row of NaN frequency, recency and T: a customer whose first purchase is after the calibration
// end (ingest --calibration-end writes such rows); the fit leaves it out and counts it.
[[nodiscard]] bool outside_cohort(const BgnbdCustomer& c);

// Why the row cannot enter the model, or nullptr when it can (T = 0 only with x = 0).
[[nodiscard]] const char* bgnbd_row_problem(const BgnbdCustomer& c);

// ln L(r, alpha, a, b | x, t_x, T), FHL05 equation (6) in the log-sum-exp form of their
// appendix / Hardie's note 027 ("Overcoming the BG/NBD model's #NUM! error problem"), which
// stays finite for any x and T. Precondition: bgnbd_row_problem(c) == nullptr.
[[nodiscard]] double bgnbd_log_likelihood(const BgnbdParams& p, const BgnbdCustomer& c);
// The same term and its analytic gradient with respect to (ln r, ln alpha, ln a, ln b).
[[nodiscard]] LogLikTerm<kBgnbdParams> bgnbd_log_likelihood_gradient(const BgnbdParams& p, const BgnbdCustomer& c);

// P(alive | x, t_x, T) (Fader, Hardie & Lee 2008, "Computing P(alive) Using the BG/NBD Model",
// note 021): 1 / (1 + [x > 0] a / (b + x - 1) ((alpha + T) / (alpha + t_x))^(r + x)); 1 for x = 0
// (the model lets a customer drop out only right after a repeat purchase).
[[nodiscard]] double bgnbd_p_alive(const BgnbdParams& p, const BgnbdCustomer& c);

// E[Y(t) | x, t_x, T]: expected purchases in the next `t` time units, FHL05 equation (10), with
// Gauss's hypergeometric 2F1 from Boost.Math. The formula divides by a - 1: throws
// std::domain_error for a == 1 exactly (the limit exists but is not implemented) and for t < 0.
[[nodiscard]] double bgnbd_expected_purchases(const BgnbdParams& p, const BgnbdCustomer& c, double t);

}  // namespace custseg::clv
