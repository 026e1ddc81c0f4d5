#include "custseg/ingest/calibration_columns.hpp"

#include "custseg/ingest/values.hpp"
#include "custseg/util/number_text.hpp"

namespace custseg::ingest {

void add_calibration_columns(std::vector<OutputColumn>& columns, const std::vector<CustomerFeatures>& rows,
                             const CalibrationPeriod& period, const std::string& currency) {
  for (auto& c : columns)
    if (c.name == "frequency") c.name = "invoices";
  std::vector<double> frequency, recency, age, spend, holdout_frequency, holdout_value;
  for (const auto& f : rows) {
    frequency.push_back(f.calibration.frequency);
    recency.push_back(f.calibration.recency);
    age.push_back(f.calibration.T);
    spend.push_back(f.calibration.monetary_value);
    holdout_frequency.push_back(f.calibration.holdout_frequency);
    holdout_value.push_back(f.calibration.holdout_value);
  }
  const std::string unit = period.unit();
  using Attributes = std::vector<std::pair<std::string, std::string>>;
  auto money = [&](Attributes a) {
    if (!currency.empty()) a.emplace_back("unit", currency);
    return a;
  };
  columns.push_back({"frequency", std::move(frequency), {}, {{"label", "repeat purchase days in the calibration period"},
                                                             {"unit", "purchases"}, {"higher_is", "good"}}});
  columns.push_back({"recency", std::move(recency), {}, {{"label", "time from the first to the last purchase (calibration)"},
                                                         {"unit", unit}}});
  columns.push_back({"T", std::move(age), {}, {{"label", "time from the first purchase to the calibration end"}, {"unit", unit}}});
  columns.push_back({"monetary_value", std::move(spend), {},
                     money({{"label", "mean value of the repeat purchase days (calibration)"}, {"higher_is", "good"}})});
  if (!period.has_holdout()) return;
  columns.push_back({"holdout_frequency", std::move(holdout_frequency), {},
                     {{"label", "purchase days in the holdout period"}, {"unit", "purchases"}}});
  columns.push_back({"holdout_value", std::move(holdout_value), {}, money({{"label", "purchases in the holdout period"}})});
}

std::vector<std::pair<std::string, std::string>> calibration_attributes(const CalibrationPeriod& period) {
  std::vector<std::pair<std::string, std::string>> a{{"calibration_end", civil_from_days(period.end_day)},
                                                     {"time_unit", period.unit()}};
  if (period.has_holdout()) {
    a.emplace_back("holdout_end", civil_from_days(period.last_log_day));
    // 10 significant digits: whole days in weeks read as 4.285714286, not 4.2857142857142856.
    a.emplace_back("holdout_length",
                   number_text(static_cast<double>(period.last_log_day - period.end_day) / period.unit_days, 10));
  }
  return a;
}

}  // namespace custseg::ingest
