// segment --clv (issue 14): BG/NBD and gamma-gamma fitted over all ranks on the table's
// calibration columns (docs/clv.md), after the segment statistics. The fits see every row of the
// table (after --consent-column), as `custseg clv` does, so both give the same parameters; the
// per-segment figures cover the segmented customers. Per customer: the
// figures results.h5 and assignments.csv carry (Run::clv_customers); per segment: KPIs (sum, mean,
// share: exact, as every KPI); for the report: the fits and the calibration check.
#include <cmath>
#include <cstdlib>
#include <limits>
#include <string>

#include "clv_models.hpp"
#include "custseg/clv/bgnbd.hpp"
#include "custseg/io/customer_table.hpp"
#include "custseg/stats/kpi_profile.hpp"
#include "segment_run.hpp"

namespace custseg::jobs {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
// The calibration chart's buckets: frequency 0 .. kTopBucket-1, then kTopBucket or more (the papers' 7+).
constexpr std::size_t kTopBucket = 7;

// The segment of each row that has a finite figure, -1 elsewhere (KPIs must be finite).
std::vector<std::int32_t> labels_where_finite(std::span<const std::int32_t> block_labels, const std::vector<double>& figure) {
  std::vector<std::int32_t> labels(block_labels.begin(), block_labels.end());
  for (std::size_t i = 0; i < labels.size(); ++i)
    if (!std::isfinite(figure[i])) labels[i] = -1;
  return labels;
}

// One per-segment CLV figure as a KPI: sum, mean and share, exact and rank-independent. None gets
// a generic headline card: clv_cards shows total CLV and expected active customers. For P(alive)
// and expected purchases the segment table shows the mean only: a segment's share of their sums
// says little, its mean says what a marketer asks (CLV keeps its share: the segment's part of
// future value).
void add_clv_kpi(Run& r, const std::string& name, const std::vector<double>& figure, stats::ColumnMeta meta) {
  const auto labels = labels_where_finite(r.block_labels, figure);
  stats::KpiProfile kpi = stats::kpi_profile(r.comm, name, figure, labels, r.k);
  kpi.meta = std::move(meta);
  kpi.binary = false;  // P(alive) of exactly 0 or 1 everywhere is still a probability, not a rate
  kpi.from_clv = true;
  kpi.display = {.share = name == "clv", .headline_card = false};
  r.summary.profiles.kpis.push_back(std::move(kpi));
}

std::string column_unit(const Run& r, const std::string& column) {
  const auto unit = io::column_attribute(r.input->file, r.input->table, column, "unit");
  return unit.empty() ? std::string() : unit.front();
}

// FHL05 Figure 4: per calibration frequency (0..6, 7+), mean holdout purchases observed and
// predicted, over the customers of the cohort (the model's check, segmented or not). Needs the holdout column and length
// that ingest --calibration-end writes when the log runs past the calibration end; else empty.
void calibration_check(Run& r, const clv::ClvRows& rows, report::ClvSummary& summary) {
  const std::string length = data::table_attribute(*r.input, "holdout_length");
  const io::TableInfo& table = r.input->table;
  if (length.empty() || !table.find("holdout_frequency")) return;
  summary.holdout_length = std::strtod(length.c_str(), nullptr);
  if (!(summary.holdout_length > 0)) return;
  std::vector<double> actual(rows.purchases.size());
  io::read_table_rows<double>(r.input->file, table, table.require("holdout_frequency", "calibration check").where,
                              r.prepared.block, std::span<double>(actual));
  const auto& f = summary.purchases.params;
  const clv::BgnbdParams params{f[0], f[1], f[2], f[3]};
  std::vector<std::int32_t> bucket(rows.purchases.size(), -1);
  std::vector<double> predicted(rows.purchases.size(), 0.0);
  for (std::size_t i = 0; i < rows.purchases.size(); ++i) {
    const clv::BgnbdCustomer& c = rows.purchases[i];
    if (!std::isfinite(c.x) || !std::isfinite(actual[i])) continue;  // outside the cohort
    bucket[i] = static_cast<std::int32_t>(std::min<double>(c.x, kTopBucket));
    predicted[i] = clv::bgnbd_expected_purchases(params, c, summary.holdout_length);
  }
  const stats::KpiProfile observed = stats::kpi_profile(r.comm, "holdout_frequency", actual, bucket, kTopBucket + 1);
  const stats::KpiProfile expected = stats::kpi_profile(r.comm, "predicted", predicted, bucket, kTopBucket + 1);
  for (std::size_t b = 0; b <= kTopBucket; ++b)
    summary.calibration.push_back({std::to_string(b) + (b == kTopBucket ? "+" : ""), observed.count[b],
                                   observed.mean[b], expected.mean[b]});
}

report::ClvSummary summarize(Run& r, const ClvModels& models) {
  report::ClvSummary s;
  s.purchases = models.purchases;
  s.spend = models.spend;
  s.horizon = r.cfg.clv_model.horizon;
  s.discount_rate = r.cfg.clv_model.discount_rate;
  s.time_unit = data::table_attribute(*r.input, "time_unit");
  s.calibration_end = data::table_attribute(*r.input, "calibration_end");
  if (models.spend) s.currency = column_unit(r, r.cfg.clv_model.monetary_column);
  s.customers_fitted = models.purchases.customers;
  return s;
}

}  // namespace

void check_lifetime_value_input(const Run& r) {
  if (!r.cfg.clv) return;
  const clv::ClvColumns columns = clv_columns(r.cfg.clv_model);
  clv::require_clv_columns(r.input->file, r.input->table, columns);
  // Read now only to be checked, and freed at once: kept for the fit, the rows would hold 40 bytes
  // a customer through the k-means fit. fit_lifetime_value reads them again, unchecked.
  check_clv_rows(r.comm, clv::read_clv_rows(r.input->file, r.input->table, columns, r.prepared.block), r.cfg.clv_model);
}

void fit_lifetime_value(Run& r) {
  if (!r.cfg.clv) return;
  r.timed("clv", [&] {
    // The rows check_lifetime_value_input has checked, read again (see there).
    const clv::ClvRows rows =
        clv::read_clv_rows(r.input->file, r.input->table, clv_columns(r.cfg.clv_model), r.prepared.block);
    ClvModels models = fit_clv_models(r.comm, rows, r.cfg.clv_model, r.log);
    report::ClvSummary summary = summarize(r, models);
    calibration_check(r, rows, summary);
    const clv::CustomerPredictions& p = models.predictions;
    const std::string after = summary.horizon_text() + " after the calibration end";
    if (models.spend)
      add_clv_kpi(r, "clv", p.clv,
                  {"customer lifetime value, " + after + (summary.discount_rate > 0 ? " (discounted)" : ""), summary.currency, "good"});
    add_clv_kpi(r, "expected_purchases", p.expected_purchases, {"expected purchases, " + after, "purchases", "good"});
    add_clv_kpi(r, "p_alive", p.p_alive, {"probability the customer is still active (P(alive))", "", "good"});
    r.summary.clv = std::move(summary);
    r.clv_customers = std::move(models.predictions);
  });
}

}  // namespace custseg::jobs
