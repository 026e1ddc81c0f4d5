// The CLV optimizer pieces without MPI (issue 14): exact term sums independent of order and
// thread count, L-BFGS on a likelihood with a known maximum, Hessian standard errors.
#include <gtest/gtest.h>
#include <tbb/global_control.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <random>
#include <stdexcept>
#include <vector>

#include "custseg/clv/exact_terms.hpp"
#include "custseg/clv/maximize.hpp"
#include "custseg/util/error.hpp"

using namespace custseg::clv;

namespace {

std::vector<BgnbdCustomer> random_customers(std::size_t n, unsigned seed) {
  std::mt19937_64 gen(seed);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  std::vector<BgnbdCustomer> rows(n);
  for (auto& c : rows) {
    c.T = 1.0 + 50.0 * u(gen);
    c.x = std::floor(6.0 * u(gen) * u(gen));
    c.t_x = c.x > 0 ? c.T * u(gen) : 0.0;
  }
  return rows;
}

ExactTerms<kBgnbdParams> sum_bgnbd(std::span<const BgnbdCustomer> rows) {
  const BgnbdParams p{0.243, 4.414, 0.793, 2.426};
  return sum_terms<kBgnbdParams>(rows, [&](const BgnbdCustomer& c) { return bgnbd_log_likelihood_gradient(p, c); });
}

}  // namespace

TEST(ClvExactTerms, SameBitsForAnyOrderSplitAndThreadCount) {
  auto rows = random_customers(20000, 7);
  const auto all = sum_bgnbd(rows);
  ExactTerms<kBgnbdParams> halves = sum_bgnbd(std::span<const BgnbdCustomer>(rows).first(7001));
  halves += sum_bgnbd(std::span<const BgnbdCustomer>(rows).subspan(7001));
  EXPECT_TRUE(all.sums == halves.sums);
  {
    tbb::global_control one(tbb::global_control::max_allowed_parallelism, 1);
    EXPECT_TRUE(sum_bgnbd(rows).sums == all.sums);
  }
  std::reverse(rows.begin(), rows.end());
  EXPECT_TRUE(sum_bgnbd(rows).sums == all.sums);
  EXPECT_EQ(all.rows(), 20000);
  EXPECT_EQ(all.out_of_range(), 0);
  // And the exact sum is the plain sum to within its rounding (n * 2^-53 plus double's own).
  double plain = 0.0;
  for (const auto& c : rows) plain += bgnbd_log_likelihood({0.243, 4.414, 0.793, 2.426}, c);
  EXPECT_NEAR(all.value(), plain, 1e-9 * std::abs(plain));
}

TEST(ClvExactTerms, CountsTermsBeyondTheRange) {
  ExactTerms<2> t;
  t.add({1.0, {0x1p41, 0.0}});
  t.add({NAN, {1.0, 0.0}});
  t.add({2.5, {-1.0, 0.0}});
  EXPECT_EQ(t.out_of_range(), 2);
  EXPECT_EQ(t.rows(), 3);
  EXPECT_DOUBLE_EQ(t.value(), 3.5);
}

// A throwing term must not leave its rank out of the reduction: it is counted like a non-finite one.
TEST(ClvExactTerms, CountsTermsThatThrow) {
  const std::vector<BgnbdCustomer> rows(10, BgnbdCustomer{1.0, 2.0, 10.0});
  std::atomic<int> calls = 0;
  const auto sums = sum_terms<kBgnbdParams>(std::span<const BgnbdCustomer>(rows), [&](const BgnbdCustomer& c) {
    if (++calls == 4) throw std::overflow_error("lgamma");
    return bgnbd_log_likelihood_gradient({1, 1, 1, 1}, c);
  });
  EXPECT_EQ(sums.out_of_range(), 1);
  EXPECT_EQ(sums.rows(), 10);
}

// A normal likelihood of known maximum in log space: sum over rows of -(ln theta_i - mu_i)^2 / 2
// scaled by n, so the maximum is theta = exp(mu) and the Hessian is -n I: se(theta_i) =
// theta_i / sqrt(n).
TEST(ClvMaximize, FindsAKnownMaximumWithItsStandardErrors) {
  const std::vector<double> mu{std::log(0.25), std::log(4.0), std::log(0.8)};
  const double n = 400.0;
  const LogLikFn f = [&](const std::vector<double>& x) {
    Evaluation e{0.0, std::vector<double>(x.size())};
    for (std::size_t i = 0; i < x.size(); ++i) {
      e.value -= 0.5 * n * (x[i] - mu[i]) * (x[i] - mu[i]);
      e.gradient[i] = -n * (x[i] - mu[i]);
    }
    return e;
  };
  const Maximum m = maximize(f, {0.0, 0.0, 0.0}, {});
  EXPECT_TRUE(m.converged) << m.stop_reason;
  EXPECT_FALSE(m.at_bound);
  EXPECT_GT(m.evaluations, 1);
  for (std::size_t i = 0; i < mu.size(); ++i) EXPECT_NEAR(m.log_params[i], mu[i], 1e-7);
  const auto se = standard_errors(numeric_hessian(f, m.log_params, 1e-4), m.log_params);
  for (std::size_t i = 0; i < mu.size(); ++i) EXPECT_NEAR(se[i], std::exp(mu[i]) / std::sqrt(n), 1e-6);
}

TEST(ClvMaximize, NotPositiveDefiniteGivesNanStandardErrors) {
  const auto se = standard_errors({1.0, 0.0, 0.0, -1.0}, {0.0, 0.0});
  EXPECT_TRUE(std::isnan(se[0]) && std::isnan(se[1]));
}

TEST(ClvMaximize, RefusesTermsOutOfRange) {
  const LogLikFn f = [](const std::vector<double>& x) { return Evaluation{0.0, std::vector<double>(x.size()), 1}; };
  try {
    (void)maximize(f, {0.0}, {});
    FAIL() << "no error";
  } catch (const custseg::Error& e) {
    EXPECT_EQ(e.code(), custseg::ExitCode::input);
  }
}

// Grouping equal rows (each distinct row's term once, times its count) keeps every bit of the sums.
TEST(ClvExactTerms, GroupedRowsGiveTheSameBits) {
  std::vector<BgnbdCustomer> rows = random_customers(3000, 11);
  for (std::size_t i = 0; i < rows.size(); i += 3) rows[i] = BgnbdCustomer{0.0, 0.0, std::floor(rows[i].T)};  // repeats
  const auto grouped = group_equal_rows(std::span<const BgnbdCustomer>(rows),
                                        [](const BgnbdCustomer& c) { return std::tie(c.x, c.t_x, c.T); });
  ASSERT_LT(grouped.rows.size(), rows.size());
  std::int64_t total = 0;
  for (const auto n : grouped.counts) total += n;
  EXPECT_EQ(total, static_cast<std::int64_t>(rows.size()));
  const BgnbdParams p{0.243, 4.414, 0.793, 2.426};
  const auto by_group = sum_grouped_terms<kBgnbdParams>(grouped, [&](const BgnbdCustomer& c) {
    return bgnbd_log_likelihood_gradient(p, c);
  });
  EXPECT_EQ(by_group.sums, sum_bgnbd(rows).sums);
}
