#pragma once
// The CLV models' columns of the customer table (ingest --calibration-end; docs/clv.md): the
// sufficient statistics of BG/NBD and Gamma-Gamma (Fader, Hardie & Lee 2005) computed per
// customer by calibration_statistics (transactions.hpp), named as lifetimes and `custseg clv`
// read them. Pure; no MPI.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "custseg/ingest/table_writer.hpp"
#include "custseg/ingest/transactions.hpp"

namespace custseg::ingest {

struct CalibrationPeriod {
  std::int64_t end_day = 0;        // last day of the calibration period (inclusive)
  std::int64_t last_log_day = 0;   // day of the log's last transaction: the holdout runs to it
  int unit_days = 7;               // 7: weeks, 1: days
  [[nodiscard]] bool has_holdout() const { return last_log_day > end_day; }
  [[nodiscard]] std::string unit() const { return unit_days == 7 ? "weeks" : "days"; }
};

// Renames the invoice count `frequency` to `invoices` (the models' frequency takes the name) and
// appends frequency, recency, T, monetary_value and, when the log runs past the calibration end,
// holdout_frequency and holdout_value (float64; NaN for customers whose first purchase is after
// the calibration end), each with label, unit and meaning attributes.
void add_calibration_columns(std::vector<OutputColumn>& columns, const std::vector<CustomerFeatures>& rows,
                             const CalibrationPeriod& period, const std::string& currency);

// Group attributes: calibration_end, time_unit and, with a holdout, holdout_end and
// holdout_length (in time units; the holdout is the days after calibration_end up to holdout_end).
std::vector<std::pair<std::string, std::string>> calibration_attributes(const CalibrationPeriod& period);

}  // namespace custseg::ingest
