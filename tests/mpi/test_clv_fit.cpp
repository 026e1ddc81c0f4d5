// Distributed CLV fits (issue 14) on data drawn from the models themselves: every rank draws the
// whole set from a fixed seed and fits its own block; the result must equal, bit for bit, the fit
// of the whole set by one rank alone (MPI_COMM_SELF) with one thread, recover the true parameters
// within 3 standard errors, and refuse unidentifiable data with the same error on every rank.
#include <gtest/gtest.h>
#include <tbb/global_control.h>

#include <cmath>
#include <random>
#include <vector>

#include "custseg/clv/fit.hpp"
#include "custseg/io/partition.hpp"
#include "custseg/util/error.hpp"

using namespace custseg;
using namespace custseg::clv;

namespace {

const BgnbdParams kTruePurchases{0.5, 5.0, 0.8, 2.5};
const GammaGammaParams kTrueSpend{6.0, 4.0, 15.0};

struct Drawn {
  std::vector<BgnbdCustomer> purchases;
  std::vector<SpendCustomer> spend;
};

// The generative models (FHL05 section 3, FH13 section 2): purchases at rate lambda ~ gamma(r,
// alpha); after each repeat purchase the customer leaves with probability p ~ beta(a, b);
// observed for T ~ uniform(10, 52) weeks. Transaction values gamma(p, nu), nu ~ gamma(q, gamma).
Drawn draw_customers(std::size_t n, unsigned seed) {
  std::mt19937_64 gen(seed);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  Drawn d;
  for (std::size_t i = 0; i < n; ++i) {
    const double lambda = std::gamma_distribution<double>(kTruePurchases.r, 1.0 / kTruePurchases.alpha)(gen);
    const double u = std::gamma_distribution<double>(kTruePurchases.a, 1.0)(gen);
    const double v = std::gamma_distribution<double>(kTruePurchases.b, 1.0)(gen);
    const double p_drop = u / (u + v);  // beta(a, b)
    BgnbdCustomer c{0.0, 0.0, 10.0 + 42.0 * unit(gen)};
    for (double t = std::exponential_distribution<double>(lambda)(gen); t <= c.T;
         t += std::exponential_distribution<double>(lambda)(gen)) {
      c.x += 1.0;
      c.t_x = t;
      if (unit(gen) < p_drop) break;
    }
    const double nu = std::gamma_distribution<double>(kTrueSpend.q, 1.0 / kTrueSpend.gamma)(gen);
    double total = 0.0;
    for (int k = 0; k < static_cast<int>(c.x); ++k) total += std::gamma_distribution<double>(kTrueSpend.p, 1.0 / nu)(gen);
    d.purchases.push_back(c);
    d.spend.push_back({c.x, c.x > 0 ? total / c.x : 0.0});
  }
  return d;
}

template <class T>
std::span<const T> my_block(const mpi::Communicator& comm, const std::vector<T>& all) {
  const io::RowBlock b = io::block_for_rank(all.size(), comm.rank(), comm.size());
  return std::span<const T>(all).subspan(b.begin, b.count);
}

void expect_same_bits(const FitReport& a, const FitReport& b) {
  EXPECT_EQ(a.params, b.params);  // operator== on doubles: the same values, i.e. the same bits here
  EXPECT_EQ(std::bit_cast<std::uint64_t>(a.log_likelihood), std::bit_cast<std::uint64_t>(b.log_likelihood));
  EXPECT_EQ(a.evaluations, b.evaluations);
  EXPECT_EQ(a.customers, b.customers);
  for (std::size_t i = 0; i < a.standard_errors.size(); ++i)
    EXPECT_EQ(std::bit_cast<std::uint64_t>(a.standard_errors[i]), std::bit_cast<std::uint64_t>(b.standard_errors[i]));
}

void expect_recovered(const FitReport& fit, const std::vector<double>& truth) {
  EXPECT_TRUE(fit.converged) << fit.stop_reason;
  for (std::size_t i = 0; i < truth.size(); ++i) {
    ASSERT_TRUE(std::isfinite(fit.standard_errors[i])) << fit.names[i];
    EXPECT_LT(std::abs(fit.params[i] - truth[i]), 3.0 * fit.standard_errors[i])
        << fit.names[i] << " = " << fit.params[i] << " +- " << fit.standard_errors[i] << ", true " << truth[i];
  }
}

template <class F>
void expect_input_error(F&& f, const std::string& fragment) {
  try {
    f();
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::input);
    EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
  }
}

}  // namespace

TEST(ClvFit, BgnbdIsTheSameOnAnyRankCountAndRecoversTheTruth) {
  const mpi::Communicator world;
  const Drawn all = draw_customers(6000, 14);
  const auto b = io::block_for_rank(all.purchases.size(), world.rank(), world.size());
  const FitReport fit = fit_bgnbd(world, my_block(world, all.purchases), b.begin);
  FitReport alone;
  {
    const tbb::global_control one_thread(tbb::global_control::max_allowed_parallelism, 1);
    alone = fit_bgnbd(mpi::Communicator(MPI_COMM_SELF), all.purchases, 0);
  }
  expect_same_bits(fit, alone);
  expect_recovered(fit, {kTruePurchases.r, kTruePurchases.alpha, kTruePurchases.a, kTruePurchases.b});
  EXPECT_EQ(fit.customers, 6000);
}

TEST(ClvFit, GammaGammaIsTheSameOnAnyRankCountAndRecoversTheTruth) {
  const mpi::Communicator world;
  const Drawn all = draw_customers(6000, 15);
  const FitReport fit = fit_gamma_gamma(world, my_block(world, all.spend));
  FitReport alone;
  {
    const tbb::global_control one_thread(tbb::global_control::max_allowed_parallelism, 1);
    alone = fit_gamma_gamma(mpi::Communicator(MPI_COMM_SELF), all.spend);
  }
  expect_same_bits(fit, alone);
  expect_recovered(fit, {kTrueSpend.p, kTrueSpend.q, kTrueSpend.gamma});
  std::int64_t zero = 0;
  for (const auto& c : all.spend) zero += c.x == 0 ? 1 : 0;
  EXPECT_EQ(fit.excluded, zero);
  EXPECT_EQ(fit.customers + fit.excluded, 6000);
}

// Fewer customers than ranks: the ranks without rows still join every collective, and the fit is
// still the one-rank fit.
TEST(ClvFit, RanksWithoutRowsJoinIn) {
  const mpi::Communicator world;
  const Drawn all = draw_customers(200, 16);
  std::vector<BgnbdCustomer> few;
  for (const auto& c : all.purchases)
    if (few.size() < 3 && (c.x > 0 || few.empty())) few.push_back(c);
  const auto b = io::block_for_rank(few.size(), world.rank(), world.size());
  const FitReport fit = fit_bgnbd(world, my_block(world, few), b.begin);
  expect_same_bits(fit, fit_bgnbd(mpi::Communicator(MPI_COMM_SELF), few, 0));
  EXPECT_EQ(fit.customers, 3);
}

TEST(ClvFit, RefusesDataWithoutRepeatPurchasesOnEveryRank) {
  const mpi::Communicator world;
  std::vector<BgnbdCustomer> once(100, BgnbdCustomer{0.0, 0.0, 20.0});
  const auto b = io::block_for_rank(once.size(), world.rank(), world.size());
  expect_input_error([&] { (void)fit_bgnbd(world, my_block(world, once), b.begin); }, "none of the 100 customers");
  std::vector<SpendCustomer> spend(100, SpendCustomer{2.0, 0.0});
  spend[7] = {3.0, 12.0};
  expect_input_error([&] { (void)fit_gamma_gamma(world, my_block(world, spend)); }, "99 excluded");
}

// A bad row on one rank is named on every rank, with its global row.
TEST(ClvFit, NamesTheFirstInvalidRowOnEveryRank) {
  const mpi::Communicator world;
  std::vector<BgnbdCustomer> rows(50, BgnbdCustomer{1.0, 2.0, 20.0});
  rows[41] = {2.0, 25.0, 20.0};  // recency beyond T
  const auto b = io::block_for_rank(rows.size(), world.rank(), world.size());
  expect_input_error([&] { (void)fit_bgnbd(world, my_block(world, rows), b.begin); }, "row 41: recency");
}
