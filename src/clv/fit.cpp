#include "custseg/clv/fit.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>

#include "custseg/clv/exact_terms.hpp"
#include "custseg/mpi/collective_guard.hpp"
#include "custseg/mpi/exact_sum.hpp"
#include "custseg/util/error.hpp"

namespace custseg::clv {
namespace {

// The global log-likelihood as one collective per call: local exact sums, one Int128 Allreduce.
// All ranks must call it the same number of times (they do: maximize() is deterministic).
// The rows are grouped once (equal rows evaluated once, weighted by their count: the same bits).
template <int N, class Row, class FromLog, class Term>
LogLikFn global_loglik(const mpi::Communicator& comm, GroupedRows<Row> rows, FromLog from_log, Term term) {
  return [&comm, rows = std::move(rows), from_log, term](const std::vector<double>& x) {
    std::array<double, N> v{};
    std::copy_n(x.begin(), N, v.begin());
    const auto params = from_log(v);
    ExactTerms<N> sums = sum_grouped_terms<N>(rows, [&](const Row& row) { return term(params, row); });
    mpi::allreduce_sum(comm, std::span<Int128>(sums.sums));  // all ranks, even with zero rows
    const auto g = sums.gradient();
    return Evaluation{sums.value(), std::vector<double>(g.begin(), g.end()), sums.out_of_range()};
  };
}

// The fit proper, shared by both models: maximize, then the Hessian at the maximum.
FitReport run_fit(const mpi::Communicator& comm, const LogLikFn& loglik, const std::vector<double>& start,
                  const MaximizeOptions& options) {
  const auto t0 = std::chrono::steady_clock::now();
  const Maximum m = maximize(loglik, start, options);
  const std::vector<double> hessian = numeric_hessian(loglik, m.log_params, options.hessian_step);
  FitReport r;
  r.standard_errors = standard_errors(hessian, m.log_params);
  // At the search box the maximum is not a stationary point: a Hessian there measures the box,
  // not the data (a 5-customer table gave p = e^15 with a "standard error" of 1e9).
  if (m.at_bound) std::fill(r.standard_errors.begin(), r.standard_errors.end(), std::nan(""));
  for (double v : m.log_params) r.params.push_back(std::exp(v));
  r.log_likelihood = m.log_likelihood;
  r.evaluations = m.evaluations;
  r.stop_reason = m.stop_reason;
  r.converged = m.converged;
  r.at_bound = m.at_bound;
  // Rank 0's clock, broadcast, so that the report is the same object on every rank.
  std::vector<double> seconds{std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count()};
  comm.broadcast(seconds, 0);
  r.seconds = seconds[0];
  return r;
}

// What is wrong with row i, "row N: problem (columns ...)"; empty when nothing is.
std::string row_problem(std::span<const BgnbdCustomer> purchases, std::span<const SpendCustomer> spend, std::size_t i,
                        std::uint64_t first_row, const RowNames& names) {
  const auto said = [&](const char* problem, const std::string& columns) {
    return "row " + std::to_string(first_row + i) + ": " + problem + (columns.empty() ? "" : " (" + columns + ")");
  };
  if (const char* p = outside_cohort(purchases[i]) ? nullptr : bgnbd_row_problem(purchases[i]))
    return said(p, names.purchase_columns);
  if (const char* q = spend.empty() ? nullptr : spend_row_problem(spend[i])) return said(q, names.spend_column);
  return {};
}

}  // namespace

void check_clv_rows(const mpi::Communicator& comm, std::span<const BgnbdCustomer> purchases,
                    std::span<const SpendCustomer> spend, std::uint64_t first_row, const RowNames& names) {
  // Each rank names its own first bad row; agree() gives every rank the lowest rank's.
  mpi::agree(comm, [&] {
    for (std::size_t i = 0; i < purchases.size(); ++i)
      if (const std::string problem = row_problem(purchases, spend, i, first_row, names); !problem.empty())
        throw_input(names.context + ": " + problem);
  });
}

FitReport fit_bgnbd(const mpi::Communicator& comm, std::span<const BgnbdCustomer> all_rows, std::uint64_t first_row,
                    const MaximizeOptions& options) {
  check_clv_rows(comm, all_rows, {}, first_row, {.context = "BG/NBD fit"});
  return fit_checked_bgnbd(comm, all_rows, options);
}

FitReport fit_checked_bgnbd(const mpi::Communicator& comm, std::span<const BgnbdCustomer> all_rows,
                            const MaximizeOptions& options) {
  // The calibration cohort, copied once (the likelihood is evaluated over it dozens of times).
  std::vector<BgnbdCustomer> cohort;
  std::copy_if(all_rows.begin(), all_rows.end(), std::back_inserter(cohort),
               [](const BgnbdCustomer& c) { return !outside_cohort(c); });
  const std::span<const BgnbdCustomer> mine(cohort);
  const auto repeat = std::count_if(mine.begin(), mine.end(), [](const BgnbdCustomer& c) { return c.x > 0.0; });
  std::array<std::int64_t, 3> counts{static_cast<std::int64_t>(mine.size()), static_cast<std::int64_t>(repeat),
                                     static_cast<std::int64_t>(all_rows.size() - cohort.size())};
  comm.allreduce_sum(std::span<std::int64_t>(counts));
  if (counts[1] == 0)
    throw_input("BG/NBD fit: none of the " + std::to_string(counts[0]) +
                " customers made a repeat purchase; the purchase and dropout processes cannot be identified");
  auto grouped = group_equal_rows(mine, [](const BgnbdCustomer& c) { return std::tie(c.x, c.t_x, c.T); });
  const LogLikFn loglik = global_loglik<kBgnbdParams>(comm, std::move(grouped), bgnbd_from_log,
      [](const BgnbdParams& p, const BgnbdCustomer& c) { return bgnbd_log_likelihood_gradient(p, c); });
  // Start at r = alpha = a = b = 1 (ln = 0), as lifetimes and BTYD do; the box keeps it bounded.
  FitReport r = run_fit(comm, loglik, std::vector<double>(kBgnbdParams, 0.0), options);
  r.names = {"r", "alpha", "a", "b"};
  r.customers = counts[0];
  r.excluded = counts[2];
  return r;
}

FitReport fit_gamma_gamma(const mpi::Communicator& comm, std::span<const SpendCustomer> mine,
                          const MaximizeOptions& options) {
  // The usable customers, copied once: the likelihood is evaluated over them hundreds of times.
  std::vector<SpendCustomer> usable;
  std::copy_if(mine.begin(), mine.end(), std::back_inserter(usable), gamma_gamma_usable);
  std::array<std::int64_t, 2> counts{static_cast<std::int64_t>(usable.size()),
                                     static_cast<std::int64_t>(mine.size() - usable.size())};
  comm.allreduce_sum(std::span<std::int64_t>(counts));
  if (counts[0] < 2)
    throw_input("gamma-gamma fit: " + std::to_string(counts[0]) + " customers with a repeat purchase and positive "
                "spend (" + std::to_string(counts[1]) + " excluded: no repeat purchase, or mean repeat spend <= 0); "
                "spend heterogeneity cannot be identified");
  auto grouped = group_equal_rows(std::span<const SpendCustomer>(usable),
                                  [](const SpendCustomer& c) { return std::tie(c.x, c.m); });
  const LogLikFn loglik = global_loglik<kGammaGammaParams>(comm, std::move(grouped),
      gamma_gamma_from_log,
      [](const GammaGammaParams& p, const SpendCustomer& c) { return gamma_gamma_log_likelihood_gradient(p, c); });
  FitReport r = run_fit(comm, loglik, std::vector<double>(kGammaGammaParams, 0.0), options);
  r.names = {"p", "q", "gamma"};
  r.customers = counts[0];
  r.excluded = counts[1];
  return r;
}

}  // namespace custseg::clv
