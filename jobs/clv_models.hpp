#pragma once
// The CLV fits and per-customer figures that `custseg clv` and `segment --clv` share: BG/NBD and,
// when the table has a monetary column, gamma-gamma by maximum likelihood over all ranks
// (clv/fit.hpp), then each customer's P(alive), expected purchases, expected spend and
// discounted CLV at the fitted parameters (clv/predictions.hpp).
#include <optional>

#include "custseg/clv/clv_table.hpp"
#include "custseg/clv/fit.hpp"
#include "custseg/clv/predictions.hpp"
#include "custseg/config/clv_config.hpp"
#include "custseg/mpi/communicator.hpp"
#include "custseg/util/log.hpp"

namespace custseg::jobs {

struct ClvModels {
  clv::FitReport purchases;            // BG/NBD: r, alpha, a, b
  std::optional<clv::FitReport> spend;  // gamma-gamma: p, q, gamma; none without a monetary column
  clv::CustomerPredictions predictions;  // per row of `rows`, in row order
};

// The table columns the options name.
clv::ClvColumns clv_columns(const config::ClvModelOptions& options);

// Collective. An input error on every rank, naming the first bad global row and column, when a
// cohort row's BG/NBD columns or spend cannot be right (clv::check_clv_rows, context "CLV input").
// Each job runs it once, before anything is fitted: segment --clv before the k-means fit, so that
// bad values fail in seconds.
void check_clv_rows(const mpi::Communicator& comm, const clv::ClvRows& rows, const config::ClvModelOptions& options);

// Collective, on rows that check_clv_rows has passed (not checked again). Fits, logs each fit on
// rank 0, and predicts. Input errors, agreed on every rank, where the data cannot identify a model
// (clv/fit.hpp) or a per-customer formula is undefined at the fitted parameters (a = 1 for
// expected purchases, q <= 1 for expected spend).
ClvModels fit_clv_models(const mpi::Communicator& comm, const clv::ClvRows& rows,
                         const config::ClvModelOptions& options, const Logger& log);

}  // namespace custseg::jobs
