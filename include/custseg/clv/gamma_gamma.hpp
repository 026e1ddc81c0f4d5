#pragma once
// The gamma-gamma model of spend per transaction (Fader, Hardie & Lee 2005, "RFM and CLV: Using
// Iso-Value Curves for Customer Base Analysis", JMR 42(4) 415-430, section "Spend process"; and
// Fader & Hardie 2013, "The Gamma-Gamma Model of Monetary Value", note 025; "FH13" below).
// Per-customer pieces only, no MPI: the fit sums them over all ranks (clv/fit.hpp).
//
// A customer's transaction values are gamma(p, nu); nu varies across customers as gamma(q, gamma).
// Money is in the currency of the inputs (CDNOW: dollars); gamma is in that currency, p and q are
// unitless. Gradients are with respect to (ln p, ln q, ln gamma), the optimizer's space.
#include <array>

#include "custseg/clv/bgnbd.hpp"  // LogLikTerm

namespace custseg::clv {

struct GammaGammaParams {
  double p = 1.0;
  double q = 1.0;
  double gamma = 1.0;
};

// One customer: x >= 1 repeat transactions whose mean value is m > 0 (FH13 section 2). Customers
// with x = 0 or m <= 0 carry no information on spend; the fit excludes and counts them.
struct SpendCustomer {
  double x = 0.0;
  double m = 0.0;
};

inline constexpr int kGammaGammaParams = 3;
using GammaGammaVector = std::array<double, kGammaGammaParams>;  // (ln p, ln q, ln gamma)

[[nodiscard]] GammaGammaParams gamma_gamma_from_log(const GammaGammaVector& log_params);
[[nodiscard]] GammaGammaVector gamma_gamma_to_log(const GammaGammaParams& params);

// Why a cohort row's spend cannot be right (m not finite or negative: ingest never writes it), or
// nullptr. Rows outside the cohort (x NaN) are fine. m = 0 (free repeat purchases) is fine too: the
// customer is left out of the fit and counted (gamma_gamma_usable).
[[nodiscard]] const char* spend_row_problem(const SpendCustomer& c);

// Whether the customer enters the gamma-gamma fit: x a whole number >= 1 and m finite and > 0.
[[nodiscard]] bool gamma_gamma_usable(const SpendCustomer& c);

// ln f(m | p, q, gamma, x), the density of the mean of x transaction values once nu is integrated
// out (FH13 section 2):
//   lnG(px+q) - lnG(px) - lnG(q) + q ln gamma + (px-1) ln m + px ln x - (px+q) ln(gamma + m x).
// Precondition: gamma_gamma_usable(c).
[[nodiscard]] double gamma_gamma_log_likelihood(const GammaGammaParams& p, const SpendCustomer& c);
// The same term and its analytic gradient with respect to (ln p, ln q, ln gamma).
[[nodiscard]] LogLikTerm<kGammaGammaParams> gamma_gamma_log_likelihood_gradient(const GammaGammaParams& p,
                                                                                const SpendCustomer& c);

// E(M | p, q, gamma, m, x): expected spend per transaction given the customer's history (FH13
// section 4), (gamma + m x) p / (p x + q - 1), a weighted mean of the population mean
// p gamma / (q - 1) and the customer's own mean m. For x = 0 it is the population mean. Throws
// std::domain_error when q <= 1 (no finite population mean) or x < 0.
[[nodiscard]] double gamma_gamma_expected_spend(const GammaGammaParams& p, double x, double m);

}  // namespace custseg::clv
