#pragma once
// Per-customer CLV figures from fitted parameters (issue 14, "Per customer"): local, no MPI.
#include <optional>
#include <span>
#include <vector>

#include "custseg/clv/bgnbd.hpp"
#include "custseg/clv/gamma_gamma.hpp"

namespace custseg::clv {

// One entry per input row, in row order.
struct CustomerPredictions {
  std::vector<double> p_alive;             // bgnbd_p_alive
  std::vector<double> expected_purchases;  // bgnbd_expected_purchases over the horizon (data's time unit)
  // gamma_gamma_expected_spend with the customer's own x and m (the population mean for x = 0 or
  // m <= 0: no spend history to weigh); empty without a gamma-gamma fit.
  std::vector<double> expected_spend;
  // Discounted customer lifetime value over the horizon (discounted_clv); empty without spend.
  std::vector<double> clv;
};

// Customer lifetime value over `horizon` time units at `discount_rate` per unit: the expected
// purchases of each unit step, times the expected spend, discounted to the calibration end,
//   CLV = E[M] * sum_{i=1}^{n} (E[X(t_i)] - E[X(t_{i-1})]) / (1 + d)^{t_i},
// t_i = min(i, horizon), n = ceil(horizon), t_0 = 0, E[X(t)] the conditional expected purchases
// in (T, T + t] (bgnbd_expected_purchases). It is the discrete form lifetimes uses
// (customer_lifetime_value). With d = 0 the sum telescopes, and it is evaluated in closed form,
// E[M] * E[X(horizon)] (equal to the steps up to rounding; tests/unit/test_clv_models.cpp).
[[nodiscard]] double discounted_clv(const BgnbdParams& purchases_model, const BgnbdCustomer& customer,
                                    double expected_spend, double horizon, double discount_rate);

// `spend` is empty or as long as `purchases` (the same rows). Throws std::domain_error where the
// formulas do (a == 1 for the expectation, q <= 1 for expected spend).
CustomerPredictions predict_customers(const BgnbdParams& purchases_model, std::span<const BgnbdCustomer> purchases,
                                      double horizon, const std::optional<GammaGammaParams>& spend_model,
                                      std::span<const SpendCustomer> spend, double discount_rate = 0.0);

}  // namespace custseg::clv
