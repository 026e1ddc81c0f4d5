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
};

// `spend` is empty or as long as `purchases` (the same rows). Throws std::domain_error where the
// formulas do (a == 1 for the expectation, q <= 1 for expected spend).
CustomerPredictions predict_customers(const BgnbdParams& purchases_model, std::span<const BgnbdCustomer> purchases,
                                      double horizon, const std::optional<GammaGammaParams>& spend_model,
                                      std::span<const SpendCustomer> spend);

}  // namespace custseg::clv
