#include "clv_models.hpp"

#include <cmath>
#include <stdexcept>
#include <string>

#include "custseg/mpi/collective_guard.hpp"
#include "custseg/util/error.hpp"

namespace custseg::jobs {

namespace {

void log_fit(const Logger& log, const std::string& model, const clv::FitReport& r) {
  std::string line = model + ":";
  for (std::size_t i = 0; i < r.names.size(); ++i)
    line += " " + r.names[i] + " = " + std::to_string(r.params[i]) + " (se " + std::to_string(r.standard_errors[i]) + ")";
  log.info(line + "; log-likelihood " + std::to_string(r.log_likelihood) + ", " + std::to_string(r.evaluations) +
           " evaluations, " + r.stop_reason + ", " + std::to_string(r.customers) + " customers" +
           (r.excluded ? " (" + std::to_string(r.excluded) + " excluded)" : ""));
}

clv::CustomerPredictions predict(const mpi::Communicator& comm, const config::ClvModelOptions& options,
                                 const clv::ClvRows& rows, const clv::FitReport& purchases,
                                 const std::optional<clv::FitReport>& spend) {
  const clv::BgnbdParams pm{purchases.params[0], purchases.params[1], purchases.params[2], purchases.params[3]};
  std::optional<clv::GammaGammaParams> sm;
  if (spend) sm = clv::GammaGammaParams{spend->params[0], spend->params[1], spend->params[2]};
  clv::CustomerPredictions p;
  mpi::agree(comm, [&] {
    try {
      p = clv::predict_customers(pm, rows.purchases, options.horizon, sm, rows.spend, options.discount_rate);
    } catch (const std::domain_error& e) {
      throw_input(std::string("clv: the fitted parameters leave a per-customer figure undefined: ") + e.what());
    }
  });
  return p;
}

}  // namespace

clv::ClvColumns clv_columns(const config::ClvModelOptions& options) {
  return {options.frequency_column, options.recency_column, options.age_column, options.monetary_column};
}

void check_clv_rows(const mpi::Communicator& comm, const clv::ClvRows& rows, const config::ClvModelOptions& options) {
  const clv::RowNames names{
      .context = "CLV input",
      .purchase_columns = "columns " + options.frequency_column + ", " + options.recency_column + ", " + options.age_column,
      .spend_column = "column " + options.monetary_column};
  clv::check_clv_rows(comm, rows.purchases, rows.spend, rows.first_row, names);
}

ClvModels fit_clv_models(const mpi::Communicator& comm, const clv::ClvRows& rows,
                         const config::ClvModelOptions& options, const Logger& log) {
  ClvModels m;
  m.purchases = clv::fit_checked_bgnbd(comm, rows.purchases);
  log_fit(log, "BG/NBD", m.purchases);
  if (rows.has_monetary) {
    m.spend = clv::fit_gamma_gamma(comm, rows.spend);
    log_fit(log, "gamma-gamma", *m.spend);
  } else {
    log.info("gamma-gamma: skipped (the table has no column '" + options.monetary_column + "')");
  }
  m.predictions = predict(comm, options, rows, m.purchases, m.spend);
  return m;
}

}  // namespace custseg::jobs
