// segment --clv in the reports (issue 14): the CLV columns of assignments.csv, the headline
// cards, the plain-words warning for a fit without a proper maximum (Online Retail's BG/NBD: a ->
// 0), the calibration chart and report.json's "clv", from hand-built summaries.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>

#include "custseg/report/assignments_csv.hpp"
#include "custseg/report/charts.hpp"
#include "custseg/report/clv_html.hpp"
#include "custseg/report/text_reports.hpp"

namespace report = custseg::report;
namespace stats = custseg::stats;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

custseg::clv::FitReport fit(std::vector<std::string> names, std::vector<double> params, std::vector<double> errors) {
  custseg::clv::FitReport f;
  f.names = std::move(names);
  f.params = std::move(params);
  f.standard_errors = std::move(errors);
  f.converged = true;
  f.customers = 900;
  f.log_likelihood = -1234.5;
  return f;
}

stats::KpiProfile clv_kpi(const std::string& name, std::vector<double> sum, std::vector<double> mean) {
  stats::KpiProfile k;
  k.name = name;
  k.from_clv = true;
  k.count = {500, 400, 900};
  k.sum = std::move(sum);
  k.mean = std::move(mean);
  k.share = {k.sum[0] / k.sum[2], k.sum[1] / k.sum[2]};
  return k;
}

report::RunSummary clv_summary(const custseg::clv::FitReport& purchases) {
  report::RunSummary s;
  s.k = 2;
  s.rows_total = 900;
  s.kmeans.counts = {500, 400};
  s.profiles.kpis = {clv_kpi("clv", {50000, 12345.6, 62345.6}, {100, 30.864, 69.273}),
                     clv_kpi("p_alive", {450, 200, 650}, {0.9, 0.5, 0.7222})};
  report::ClvSummary c;
  c.purchases = purchases;
  c.spend = fit({"p", "q", "gamma"}, {6.3, 3.6, 15}, {0.4, 0.09, 1.3});
  c.horizon = 39;
  c.time_unit = "weeks";
  c.currency = "USD";
  c.calibration_end = "1997-09-30";
  c.customers_fitted = 900;
  c.holdout_length = 39;
  for (int b = 0; b < 8; ++b)
    c.calibration.push_back({std::to_string(b) + (b == 7 ? "+" : ""), 100 - b, 0.25 + b, 0.2 + b});
  s.clv = c;
  return s;
}

}  // namespace

TEST(ClvReport, AssignmentsCsvAppendsTheFiguresWithEmptyFieldsForNaN) {
  custseg::data::CustomerIds ids;
  ids.numbers = {11, 12, 13};
  const std::vector<std::int32_t> labels{0, -1, 1};
  const std::vector<float> distance{0.5f, 0.0f, 1.5f};
  const std::vector<std::int32_t> identity;
  const std::vector<std::string> names{"A", "B"};
  const std::vector<double> p_alive{0.25, 1.0, kNaN}, clv{12.5, 3.0, kNaN};
  const std::vector<custseg::NamedColumn> figures{{"p_alive", p_alive}, {"clv", clv}};
  std::string text = report::assignments_csv_header(figures);
  report::append_assignment_lines({ids, labels, distance, identity, names, figures}, 0, 3, text);
  EXPECT_EQ(text,
            "customer_id,segment,segment_name,distance,p_alive,clv\n"
            "11,0,\"A\",0.5,0.25,12.5\n"
            "12,-1,,,1,3\n"  // a dropped row keeps its figures: they need no features
            "13,1,\"B\",1.5,,\n");
}

TEST(ClvReport, CardsAndSectionWithFitsAndCalibrationChart) {
  const auto s = clv_summary(fit({"r", "alpha", "a", "b"}, {0.25, 4.8, 0.72, 2.2}, {0.004, 0.13, 0.05, 0.2}));
  const std::string cards = report::clv_cards(s);
  EXPECT_NE(cards.find("customer lifetime value, 39 weeks after 1997-09-30 (USD)<b>62,346</b>"), std::string::npos) << cards;
  EXPECT_NE(cards.find("customers still active (expected)<b>650"), std::string::npos) << cards;
  const std::string section = report::clv_section(s);
  EXPECT_NE(section.find("id=\"clv-fit-table\""), std::string::npos);
  EXPECT_NE(section.find("r = 0.25, alpha = 4.8, a = 0.72, b = 2.2"), std::string::npos) << section;
  EXPECT_EQ(section.find("clv-caveat"), std::string::npos);  // a proper maximum: no warning
  EXPECT_NE(section.find("id=\"chart-calibration\""), std::string::npos);
  EXPECT_NE(section.find("id=\"calibration-table\""), std::string::npos);
  const std::string chart = report::charts::calibration_chart(*s.clv);
  for (const char* series : {"class=\"actual\"", "class=\"predicted\""}) EXPECT_NE(chart.find(series), std::string::npos);
  std::size_t circles = 0;
  for (std::size_t at = chart.find("<circle"); at != std::string::npos; at = chart.find("<circle", at + 1)) ++circles;
  EXPECT_EQ(circles, 16u);  // 8 buckets, actual and predicted
}

TEST(ClvReport, NoProperMaximumIsSaidInPlainWords) {
  // Online Retail, calibration to 2011-06-30: a -> 0, b large, standard errors NaN.
  const auto s = clv_summary(fit({"r", "alpha", "a", "b"}, {0.744, 9.05, 3.09e-7, 27838}, {kNaN, kNaN, kNaN, kNaN}));
  const std::string section = report::clv_section(s);
  EXPECT_NE(section.find("clv-caveat"), std::string::npos) << section;
  EXPECT_NE(section.find("no proper interior maximum"), std::string::npos);
  EXPECT_NE(section.find("almost no dropout"), std::string::npos);
  EXPECT_NE(section.find("n/a, n/a, n/a, n/a"), std::string::npos);
}

TEST(ClvReport, NothingWithoutClvAndJsonCarriesTheFits) {
  report::RunSummary plain;
  EXPECT_TRUE(report::clv_cards(plain).empty());
  EXPECT_TRUE(report::clv_section(plain).empty());
  const auto s = clv_summary(fit({"r", "alpha", "a", "b"}, {0.25, 4.8, 0.72, 2.2}, {0.004, kNaN, 0.05, 0.2}));
  const auto j = nlohmann::json::parse(report::render_json_report(s))["clv"];
  EXPECT_EQ(j["bgnbd"]["params"]["alpha"], 4.8);
  EXPECT_TRUE(j["bgnbd"]["standard_errors"]["alpha"].is_null());
  EXPECT_EQ(j["gamma_gamma"]["params"]["q"], 3.6);
  EXPECT_EQ(j["calibration"].size(), 8u);
  EXPECT_EQ(j["calibration"][7]["frequency"], "7+");
  EXPECT_EQ(j["time_unit"], "weeks");
}
