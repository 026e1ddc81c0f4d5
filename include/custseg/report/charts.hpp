#pragma once
// The charts of report.html as inline SVG strings (no scripts, no external resources). Each is a
// pure function of the run summary; every chart is an <svg class="chart"> with a stable id, and a
// suppressed segment appears only as a labelled placeholder, never with its figures.
#include <functional>
#include <string>

#include "custseg/report/run_summary.hpp"

namespace custseg::report::charts {

// Horizontal bars per segment: share of customers and share of the value KPI (`value_kpi`, an
// index into s.profiles.kpis, or -1 for none). id "chart-sizes".
std::string sizes_and_value(const RunSummary& s, int value_kpi);

// Segment x feature grid coloured by index vs population (100 = average), KPI means included.
// id "chart-heatmap".
std::string profile_heatmap(const RunSummary& s);

// Box plot of one feature per segment from the exact quantiles: whiskers p5-p95, box p25-p75,
// median line, mean marker; the population first. id "chart-box-<feature>".
std::string box_plot(const RunSummary& s, std::size_t feature);

// One sweep metric against k, with the recommended k marked. id "chart-sweep-<key>".
std::string sweep_curve(const SweepSummary& w, const std::string& key, const std::string& title,
                        const std::function<double(const stats::SweepPoint&)>& metric);

// segment --clv: mean holdout purchases per customer, observed and BG/NBD-predicted from each
// customer's calibration history, by calibration frequency (0..6, 7+): Fader, Hardie & Lee 2005,
// Figure 4. id "chart-calibration"; polylines of class "actual" and "predicted".
std::string calibration_chart(const ClvSummary& c);

}  // namespace custseg::report::charts
