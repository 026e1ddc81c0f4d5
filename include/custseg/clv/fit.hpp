#pragma once
// Distributed maximum-likelihood fits of BG/NBD and gamma-gamma (issue 14). Collective: every rank
// of `comm` calls with its own customers (any number, zero included) and gets the same result.
//
// Each log-likelihood evaluation is the pattern of DESIGN.md: every rank sums its customers' terms
// and gradients exactly (clv/exact_terms.hpp, TBB inside), ONE Int128 Allreduce, and every rank
// hands the same global numbers to the same L-BFGS (clv/maximize.hpp), so the parameters are
// bitwise identical for any number of ranks and threads.
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "custseg/clv/bgnbd.hpp"
#include "custseg/clv/fit_report.hpp"
#include "custseg/clv/gamma_gamma.hpp"
#include "custseg/clv/maximize.hpp"
#include "custseg/mpi/communicator.hpp"

namespace custseg::clv {

// How check_clv_rows names a bad row: "<context>: row 41: recency ... (<purchase_columns>)".
struct RowNames {
  std::string context;           // "CLV input", "BG/NBD fit"
  std::string purchase_columns;  // where x, t_x and T came from ("columns frequency, recency, T"); "": not said
  std::string spend_column;      // where the mean spend came from ("column monetary_value"); "": not said
};

// Collective: the one check of the CLV rows. Every row outside the cohort or valid
// (bgnbd_row_problem, then spend_row_problem when `spend` holds the same rows; it may be empty),
// or an input error on every rank naming the first bad global row (`first_row`: the global row of
// purchases[0]).
void check_clv_rows(const mpi::Communicator& comm, std::span<const BgnbdCustomer> purchases,
                    std::span<const SpendCustomer> spend, std::uint64_t first_row, const RowNames& names);

// BG/NBD (r, alpha, a, b). `first_row`: the global row of mine[0], for messages. Input errors on
// every rank when a row is invalid (check_clv_rows, context "BG/NBD fit") or no customer has a
// repeat purchase (the model is not identified). Rows outside the cohort (all NaN: a first
// purchase after the calibration end) are left out and counted in `excluded`.
FitReport fit_bgnbd(const mpi::Communicator& comm, std::span<const BgnbdCustomer> mine, std::uint64_t first_row,
                    const MaximizeOptions& options = {});

// fit_bgnbd on rows that check_clv_rows has already passed, on every rank: the jobs check them
// once, before anything is fitted, and the fit does not scan them again.
FitReport fit_checked_bgnbd(const mpi::Communicator& comm, std::span<const BgnbdCustomer> mine,
                            const MaximizeOptions& options = {});

// Gamma-gamma (p, q, gamma) on the customers with x >= 1 and m > 0; the rest are excluded and
// counted. Input error on every rank when fewer than 2 customers remain.
FitReport fit_gamma_gamma(const mpi::Communicator& comm, std::span<const SpendCustomer> mine,
                          const MaximizeOptions& options = {});

}  // namespace custseg::clv
