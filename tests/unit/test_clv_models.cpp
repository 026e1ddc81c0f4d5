// BG/NBD and gamma-gamma per-customer pieces (issue 14): analytic gradients against central
// differences of the log-likelihood, and the papers' worked values.
#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>
#include <vector>

#include "custseg/clv/bgnbd.hpp"
#include "custseg/clv/gamma_gamma.hpp"
#include "custseg/clv/predictions.hpp"

using namespace custseg::clv;

namespace {

// FHL05's CDNOW estimates (2,357-customer sample, weeks), the values the papers' examples use.
const BgnbdParams kCdnow{0.243, 4.414, 0.793, 2.426};
const GammaGammaParams kCdnowSpend{6.25, 3.74, 15.44};

// Central difference of f along log-parameter i; h = 1e-6 leaves an error near 1e-9 relative.
template <class F, class V>
double central_difference(const F& f, V v, std::size_t i) {
  const double h = 1e-6;
  V up = v, down = v;
  up[i] += h;
  down[i] -= h;
  return (f(up) - f(down)) / (2.0 * h);
}

void expect_bgnbd_gradient(const BgnbdParams& p, const BgnbdCustomer& c) {
  const auto term = bgnbd_log_likelihood_gradient(p, c);
  EXPECT_DOUBLE_EQ(term.value, bgnbd_log_likelihood(p, c));
  const auto f = [&](const BgnbdVector& v) { return bgnbd_log_likelihood(bgnbd_from_log(v), c); };
  for (std::size_t i = 0; i < kBgnbdParams; ++i) {
    const double fd = central_difference(f, bgnbd_to_log(p), i);
    EXPECT_NEAR(term.gradient[i], fd, 1e-6 * (1.0 + std::abs(fd))) << "parameter " << i << " x=" << c.x;
  }
}

}  // namespace

TEST(ClvBgnbd, GradientMatchesFiniteDifferences) {
  const BgnbdCustomer customers[] = {{0, 0, 38.86}, {1, 5.0, 20.0}, {2, 30.43, 38.86}, {14, 37.0, 38.0}, {3, 0.5, 70.0}};
  for (const auto& c : customers) {
    expect_bgnbd_gradient(kCdnow, c);
    expect_bgnbd_gradient({2.5, 0.3, 4.0, 0.7}, c);
  }
}

// FHL05 section 5: the customer with x = 2, t_x = 30.43, T = 38.86 is expected to make 1.226
// purchases in the next 39 weeks.
TEST(ClvBgnbd, ConditionalExpectationOfThePaper) {
  EXPECT_NEAR(bgnbd_expected_purchases(kCdnow, {2, 30.43, 38.86}, 39.0), 1.226, 5e-4);
  // By hand (a calculator and a 2F1 series): 52 weeks gives 1.55872.
  EXPECT_NEAR(bgnbd_expected_purchases(kCdnow, {2, 30.43, 38.86}, 52.0), 1.55872, 1e-5);
  EXPECT_DOUBLE_EQ(bgnbd_expected_purchases(kCdnow, {2, 30.43, 38.86}, 0.0), 0.0);
  EXPECT_THROW((void)bgnbd_expected_purchases({1, 1, 1, 1}, {1, 1, 2}, 1.0), std::domain_error);
}

// P(alive) = 1 / (1 + a/(b+x-1) ((alpha+T)/(alpha+t_x))^(r+x)), by hand for the same customer:
// 0.793/3.426 * (43.274/34.844)^2.243 = 0.37631..., so 1/1.37631 = 0.72658.
TEST(ClvBgnbd, PAlive) {
  EXPECT_NEAR(bgnbd_p_alive(kCdnow, {2, 30.43, 38.86}), 0.726579, 1e-6);
  EXPECT_DOUBLE_EQ(bgnbd_p_alive(kCdnow, {0, 0, 38.86}), 1.0);
  // Bought often and recently: alive unless the last purchase was the one after which the customer
  // left (probability near a/(b+x-1) = 0.037); often but long ago: almost surely gone. By hand:
  // 1/(1 + 0.793/21.426 * (43.274/42.914)^20.243) = 0.958010, and 1.05e-12 for t_x = 5.
  EXPECT_NEAR(bgnbd_p_alive(kCdnow, {20, 38.5, 38.86}), 0.958010, 1e-6);
  EXPECT_NEAR(bgnbd_p_alive(kCdnow, {20, 5.0, 38.86}), 1.0511e-12, 1e-15);
  // Large x stays a probability (the odds are formed in logs).
  const double huge = bgnbd_p_alive(kCdnow, {5000, 1.0, 1000.0});
  EXPECT_GE(huge, 0.0);
  EXPECT_LE(huge, 1.0);
}

// With x = 0, equation (6) is B(a, b)/B(a, b) * (alpha/(alpha+T))^r: ln = r ln(alpha/(alpha+T)).
TEST(ClvBgnbd, LikelihoodOfANonRepeatCustomerByHand) {
  EXPECT_NEAR(bgnbd_log_likelihood(kCdnow, {0, 0, 38.86}), 0.243 * std::log(4.414 / 43.274), 1e-13);
}

TEST(ClvBgnbd, RowProblems) {
  EXPECT_EQ(bgnbd_row_problem({2, 30.43, 38.86}), nullptr);
  EXPECT_NE(bgnbd_row_problem({1.5, 3, 10}), nullptr);
  EXPECT_NE(bgnbd_row_problem({-1, 0, 10}), nullptr);
  EXPECT_NE(bgnbd_row_problem({1, 11, 10}), nullptr);
  EXPECT_NE(bgnbd_row_problem({1, 1, 0}), nullptr);
  EXPECT_NE(bgnbd_row_problem({0, 2, 10}), nullptr);
  EXPECT_NE(bgnbd_row_problem({1, NAN, 10}), nullptr);
  EXPECT_EQ(bgnbd_row_problem({0, 0, 0}), nullptr) << "first purchase on the calibration end";
  EXPECT_TRUE(outside_cohort({NAN, NAN, NAN}));
  EXPECT_FALSE(outside_cohort({1, NAN, 10}));
}

TEST(ClvGammaGamma, GradientMatchesFiniteDifferences) {
  const SpendCustomer customers[] = {{1, 12.5}, {2, 35.0}, {7, 250.0}, {30, 0.8}};
  for (const auto& c : customers) {
    for (const GammaGammaParams& p : {kCdnowSpend, GammaGammaParams{0.5, 12.0, 2.0}}) {
      const auto term = gamma_gamma_log_likelihood_gradient(p, c);
      EXPECT_DOUBLE_EQ(term.value, gamma_gamma_log_likelihood(p, c));
      const auto f = [&](const GammaGammaVector& v) { return gamma_gamma_log_likelihood(gamma_gamma_from_log(v), c); };
      for (std::size_t i = 0; i < kGammaGammaParams; ++i) {
        const double fd = central_difference(f, gamma_gamma_to_log(p), i);
        EXPECT_NEAR(term.gradient[i], fd, 1e-6 * (1.0 + std::abs(fd))) << "parameter " << i << " x=" << c.x;
      }
    }
  }
}

// x = 1: the mean is one gamma(p, nu) value, so the density is the compound gamma
// f(m) = G(p+q)/(G(p)G(q)) gamma^q m^(p-1) / (gamma+m)^(p+q); by hand for p = q = gamma = 1 it is
// 1/(1+m)^2, ln = -2 ln(1+m).
TEST(ClvGammaGamma, LikelihoodByHand) {
  EXPECT_NEAR(gamma_gamma_log_likelihood({1, 1, 1}, {1, 3.0}), -2.0 * std::log(4.0), 1e-14);
  // x = 2, p = 1: the mean of two exponentials is gamma(2, 2 nu); with q = gamma = 1,
  // f(m) = G(3)/(G(2)G(1)) m 2^2 / (1+2m)^3 = 8m/(1+2m)^3.
  EXPECT_NEAR(gamma_gamma_log_likelihood({1, 1, 1}, {2, 1.5}), std::log(8.0 * 1.5 / 64.0), 1e-14);
}

// FH13: E(M | m, x) = (q-1)/(px+q-1) * p gamma/(q-1) + px/(px+q-1) * m; at the CDNOW estimates the
// population mean p gamma/(q-1) is 6.25 * 15.44 / 2.74 = 35.2190 dollars (x = 0), and a customer
// with x = 2, m = 35 gets (15.44 + 70) 6.25 / 15.24 = 35.0394.
TEST(ClvGammaGamma, ExpectedSpend) {
  EXPECT_NEAR(gamma_gamma_expected_spend(kCdnowSpend, 0, 0), 35.21898, 1e-5);
  EXPECT_NEAR(gamma_gamma_expected_spend(kCdnowSpend, 2, 35.0), 35.03937, 1e-5);
  // Many transactions: the customer's own mean dominates.
  EXPECT_NEAR(gamma_gamma_expected_spend(kCdnowSpend, 1000, 80.0), 80.0, 0.1);
  EXPECT_THROW((void)gamma_gamma_expected_spend({1, 1, 1}, 1, 10), std::domain_error);
}

TEST(ClvGammaGamma, UsableCustomers) {
  EXPECT_TRUE(gamma_gamma_usable({1, 0.01}));
  EXPECT_FALSE(gamma_gamma_usable({0, 10}));
  EXPECT_FALSE(gamma_gamma_usable({3, 0}));
  EXPECT_FALSE(gamma_gamma_usable({3, -2}));
  EXPECT_FALSE(gamma_gamma_usable({2.5, 10}));
}

// Discounted CLV: undiscounted, the steps telescope to E[M] * E[X(horizon)]; discounted, the
// hand-written sum of the two unit steps of a 1.5-unit horizon (t = 1, then t = 1.5).
TEST(ClvDiscountedValue, TelescopesUndiscountedAndDiscountsEachStep) {
  const BgnbdCustomer c{2, 30.43, 38.86};
  EXPECT_NEAR(discounted_clv(kCdnow, c, 35.0, 39.0, 0.0), 35.0 * bgnbd_expected_purchases(kCdnow, c, 39.0), 1e-12);
  const double one = bgnbd_expected_purchases(kCdnow, c, 1.0), half_more = bgnbd_expected_purchases(kCdnow, c, 1.5);
  const double d = 0.01;
  EXPECT_NEAR(discounted_clv(kCdnow, c, 35.0, 1.5, d), 35.0 * (one / (1 + d) + (half_more - one) / std::pow(1 + d, 1.5)),
              1e-14);
  EXPECT_LT(discounted_clv(kCdnow, c, 35.0, 39.0, d), discounted_clv(kCdnow, c, 35.0, 39.0, 0.0));
  EXPECT_EQ(discounted_clv(kCdnow, c, 35.0, 0.0, d), 0.0);
}

namespace {

// The telescoping sum that undiscounted CLV took before its closed form: E[M] times the expected
// purchases of each unit step t = 1, 2, ..., ceil(horizon) (the last one ending at the horizon).
double undiscounted_steps(const BgnbdParams& p, const BgnbdCustomer& c, double expected_spend, double horizon) {
  std::vector<double> ends;
  for (double t = 1.0; t < horizon; t += 1.0) ends.push_back(t);
  ends.push_back(horizon);
  double sum = 0.0, previous = 0.0;
  for (const double t : ends) {
    const double upto = bgnbd_expected_purchases(p, c, t);
    sum += upto - previous;
    previous = upto;
  }
  return expected_spend * sum;
}

}  // namespace

// discounted_clv at d = 0 is the closed form E[M] E[X(horizon)]: the steps it replaced agree to
// rounding, for several models, customers and horizons (whole and fractional).
TEST(ClvDiscountedValue, ClosedFormEqualsTheStepsWhenUndiscounted) {
  for (const BgnbdParams& p : {kCdnow, BgnbdParams{0.5, 5.0, 0.8, 2.5}, BgnbdParams{2.0, 12.0, 0.3, 6.0}})
    for (const BgnbdCustomer& c : {BgnbdCustomer{2, 30.43, 38.86}, BgnbdCustomer{0, 0, 20}, BgnbdCustomer{12, 50, 52}})
      for (const double horizon : {1.0, 1.5, 39.0, 104.25}) {
        const double steps = undiscounted_steps(p, c, 35.0, horizon);
        EXPECT_NEAR(discounted_clv(p, c, 35.0, horizon, 0.0), steps, 1e-12 * steps)
            << "r " << p.r << ", customer x " << c.x << ", horizon " << horizon;
      }
}
