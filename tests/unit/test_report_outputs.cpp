// report.json, segments.csv and report.html from a hand-built summary: the privacy floor
// suppresses a small segment's figures everywhere, fairness flags reach every report, the HTML is
// self-contained with its charts, and the keys scripts rely on stay.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "custseg/report/assignments_csv.hpp"
#include "custseg/report/html_report.hpp"
#include "custseg/report/label_caveats.hpp"
#include "custseg/report/segment_order.hpp"
#include "custseg/report/svg.hpp"
#include "custseg/report/sweep_reports.hpp"
#include "custseg/report/text_reports.hpp"
#include "custseg/stats/quantile_selection.hpp"

namespace report = custseg::report;
namespace stats = custseg::stats;

namespace {

// A figure that only the small segment has: it must not appear in any report.
constexpr double kSecret = 98765.4321;

report::RunSummary make_summary(bool with_sweep) {
  report::RunSummary s;
  s.input = "customers.h5";
  s.k = 3;
  s.rows_total = 2030;
  s.scaling.names = {"monetary", "recency_days"};
  s.scaling.kinds = {custseg::data::TransformKind::log1p, custseg::data::TransformKind::none};
  s.scaling.mean = {0, 0};
  s.scaling.scale = {1, 1};
  s.kmeans.counts = {1000, 30, 1000};
  s.kmeans.inertia = 123.5;
  s.kmeans.iterations = 7;
  s.centroids_original = {50, 10, kSecret, kSecret, 20, 200};
  s.min_segment_size = 50;
  const double means[2][4] = {{100, kSecret, 20, 60.5}, {10, kSecret, 200, 104.6}};
  for (std::size_t f = 0; f < 2; ++f) {
    stats::FeatureProfile p;
    p.name = s.scaling.names[f];
    p.moments.count = {1000, 30, 1000, 2030};
    for (std::size_t g = 0; g < 4; ++g) {
      p.moments.mean.push_back(means[f][g]);
      p.moments.std.push_back(g == 1 ? kSecret : 5.0);
      p.moments.min.push_back(g == 1 ? kSecret : 1.0);
      p.moments.max.push_back(g == 1 ? kSecret : 900.0);
      std::vector<double> q;
      for (std::size_t i = 0; i < 5; ++i) q.push_back(g == 1 ? kSecret : means[f][g] * (0.5 + 0.25 * static_cast<double>(i)));
      p.quantiles.push_back(q);
    }
    stats::fill_differences(p, 3);
    s.moments.push_back(p.moments);
    s.profiles.features.push_back(p);
  }
  stats::KpiProfile revenue;
  revenue.name = "revenue_12m";
  revenue.count = {1000, 30, 1000, 2030};
  revenue.sum = {70000, kSecret, 30000, 101000};
  revenue.mean = {70, kSecret, 30, 50};
  revenue.share = {0.7, kSecret, 0.3};
  stats::KpiProfile churn;
  churn.name = "churned";
  churn.binary = true;
  churn.count = revenue.count;
  churn.sum = {100, 3, 400, 503};
  churn.mean = {0.1, 0.1, 0.4, 0.2478};
  churn.share = {0.2, 0.006, 0.79};
  s.profiles.kpis = {revenue, churn};
  stats::FairnessAudit audit;
  audit.column = "gender";
  audit.groups = {"female", "male"};
  audit.population = {1015, 1015};
  audit.counts = {700, 300, 15, 15, 300, 700};  // segments 0 and 2 select one group far more
  audit.threshold = 0.8;
  stats::finish_audit(audit);
  s.profiles.fairness = {audit};
  s.profiles.names = {"high monetary", "low everything", "high recency_days"};
  s.profiles.quality.silhouette = 0.61;
  s.profiles.quality.calinski_harabasz = 1234;
  s.profiles.quality.davies_bouldin = 0.7;
  if (with_sweep) {
    report::SweepSummary w;
    for (std::size_t k = 2; k <= 4; ++k) {
      stats::SweepPoint p;
      p.k = k;
      p.inertia = 1000.0 / static_cast<double>(k);
      p.quality.silhouette = 0.5 + 0.01 * static_cast<double>(k);
      p.stability = 0.9;
      p.smallest_segment = 100;
      w.points.push_back(p);
    }
    w.recommended_k = 3;
    w.rule = "test rule";
    s.sweep = w;
  }
  return s;
}


}  // namespace

TEST(ReportJson, SuppressesSmallSegmentsAndKeepsScriptKeys) {
  // Segment 1 is small; segment 0 (the smaller of the two substantial ones, lowest index on the
  // tie) is suppressed with it, or 2030 - 1000 - 1000 would give segment 1 away.
  const auto j = nlohmann::json::parse(report::render_json_report(make_summary(false)));
  EXPECT_EQ(j["schema_version"], report::kReportSchemaVersion);
  EXPECT_EQ(j["k"], 3);
  EXPECT_EQ(j["inertia"], 123.5);
  EXPECT_EQ(j["iterations"], 7);
  ASSERT_EQ(j["segments"].size(), 3u);
  EXPECT_EQ(j["segments"][0]["count"], "suppressed");
  EXPECT_EQ(j["segments"][0]["suppression"], "complementary");
  EXPECT_EQ(j["segments"][0]["substantial"], true);
  EXPECT_EQ(j["segments"][2]["count"], 1000);
  EXPECT_EQ(j["segments"][2]["suppressed"], false);
  EXPECT_EQ(j["segments"][1]["count"], "< 50");
  EXPECT_EQ(j["segments"][1]["suppression"], "small");
  EXPECT_EQ(j["segments"][1]["suppressed"], true);
  EXPECT_EQ(j["segments"][1]["substantial"], false);
  EXPECT_FALSE(j["segments"][1].contains("features"));
  EXPECT_FALSE(j["segments"][1].contains("kpis"));
  EXPECT_EQ(j["privacy"]["suppressed_segments"], nlohmann::json::array({0, 1}));
  EXPECT_FALSE(j["segments"][0].contains("kpis"));
  // Profiles: quantiles, index, KPI share and churn rate.
  const auto& monetary = j["segments"][2]["features"]["monetary"];
  EXPECT_EQ(monetary["p50"], 20.0);
  EXPECT_NEAR(monetary["index"].get<double>(), 20.0 / 60.5 * 100.0, 1e-9);
  EXPECT_EQ(j["segments"][2]["kpis"]["revenue_12m"]["share_of_total"], 0.3);
  EXPECT_EQ(j["segments"][2]["kpis"]["churned"]["rate"], 0.4);
  // Fairness: segment 2 flagged, segments 0 and 1 suppressed.
  const auto& audit = j["fairness"][0];
  EXPECT_EQ(audit["segments"][0]["suppressed"], true);
  EXPECT_EQ(audit["segments"][1]["suppressed"], true);
  EXPECT_FALSE(audit["segments"][1].contains("group_share"));
  EXPECT_EQ(audit["segments"][2]["flagged"], true);
  EXPECT_FALSE(j.contains("sweep"));
  EXPECT_EQ(j.dump().find("98765"), std::string::npos);
}

TEST(SegmentsCsv, SuppressedRowShowsOnlyTheFloor) {
  const std::string csv = report::render_segments_csv(make_summary(false));
  EXPECT_EQ(csv.rfind("segment,count,share,", 0), 0u);
  std::istringstream in(csv);
  std::string header, row0, row1;
  std::getline(in, header);
  std::getline(in, row0);
  std::getline(in, row1);
  // Empty numeric cells and a flag, never text in a number column (pandas reads count as numbers).
  EXPECT_EQ(header.rfind("segment,count,share,name,action,substantial,suppressed,", 0), 0u) << header;
  // Segment 0 is substantial but suppressed as the complement of segment 1: its generated name
  // would describe the statistics withheld, so it is not shown either.
  EXPECT_EQ(row0.rfind("0,,,\"not substantial\",\"\",true,true,", 0), 0u) << row0;
  EXPECT_EQ(row1.rfind("1,,,\"not substantial\",\"\",false,true,", 0), 0u) << row1;
  EXPECT_EQ(csv.find("< 50"), std::string::npos);
  auto fields = [](const std::string& line) {
    std::size_t n = 1;
    bool quoted = false;
    for (char c : line) {
      if (c == '"') quoted = !quoted;
      if (c == ',' && !quoted) ++n;
    }
    return n;
  };
  EXPECT_EQ(fields(row1), fields(header));
  EXPECT_EQ(fields(row0), fields(header));
  EXPECT_NE(header.find("monetary_p95"), std::string::npos);
  EXPECT_NE(header.find("churned_rate"), std::string::npos);
  EXPECT_EQ(csv.find("98765"), std::string::npos);
  EXPECT_EQ(csv.find(",70000,"), std::string::npos) << "complementary segment's revenue shown";
}

TEST(ReportJson, NoComplementarySuppressionWithTwoSmallSegments) {
  auto s = make_summary(false);
  s.kmeans.counts = {1000, 30, 40};  // two small segments: only their sum follows from the totals
  EXPECT_FALSE(s.complementary(0));
  const auto j = nlohmann::json::parse(report::render_json_report(s));
  EXPECT_EQ(j["segments"][0]["count"], 1000);
  EXPECT_EQ(j["segments"][1]["count"], "< 50");
  EXPECT_EQ(j["segments"][2]["count"], "< 50");
}

TEST(HtmlReport, SelfContainedWithChartsFairnessAndSuppressionNotes) {
  const std::string html = report::render_html_report(make_summary(false));
  for (const char* id : {"chart-sizes", "chart-heatmap", "chart-box-monetary", "chart-box-recency_days"})
    EXPECT_NE(html.find(std::string("id=\"") + id + "\""), std::string::npos) << id;
  EXPECT_EQ(html.find("chart-sweep-"), std::string::npos);  // no sweep, no curves
  // Nothing fetched from anywhere: no src/href attributes, no CSS url() or @import.
  for (const char* bad : {" src=", " href=", "url(", "@import", "https://"}) EXPECT_EQ(html.find(bad), std::string::npos) << bad;
  EXPECT_NE(html.find("&lt; 50"), std::string::npos);
  EXPECT_NE(html.find("suppression-note"), std::string::npos);
  EXPECT_NE(html.find("fairness-flag"), std::string::npos);
  EXPECT_NE(html.find("high recency_days"), std::string::npos);
  // Segment 0 is suppressed as the complement of the small segment 1: its generated name would
  // describe the withheld figures.
  EXPECT_EQ(html.find("high monetary"), std::string::npos);
  EXPECT_EQ(html.find("98765"), std::string::npos);
}

TEST(HtmlReport, SweepCurvesWhenPresent) {
  const std::string html = report::render_html_report(make_summary(true));
  for (const char* id : {"chart-sweep-inertia", "chart-sweep-silhouette", "chart-sweep-stability"})
    EXPECT_NE(html.find(std::string("id=\"") + id + "\""), std::string::npos) << id;
  EXPECT_NE(html.find("Recommended k = 3"), std::string::npos);
}

// sweep.csv: a smallest segment under the privacy floor is an empty cell with its flag set, never
// the text "< 50" in a number column (issue 13).
TEST(SweepCsv, SmallestSegmentUnderTheFloorIsEmptyWithAFlag) {
  auto s = make_summary(true);
  s.sweep->points[2].smallest_segment = 12;
  std::istringstream csv(report::render_sweep_csv(*s.sweep, 50));
  std::string header, k2, k3, k4;
  std::getline(csv, header);
  std::getline(csv, k2);
  std::getline(csv, k3);
  std::getline(csv, k4);
  EXPECT_NE(header.find(",smallest_segment,smallest_segment_suppressed,recommended"), std::string::npos) << header;
  EXPECT_NE(k2.find(",100,false,false"), std::string::npos) << k2;
  EXPECT_NE(k3.find(",100,false,true"), std::string::npos) << k3;
  EXPECT_NE(k4.find(",,true,false"), std::string::npos) << k4;
  EXPECT_EQ(k4.find('<'), std::string::npos) << k4;
}

// Stable segment IDs (docs/segment-ids.md): every report shows the ID where it shows a segment.
TEST(SegmentIds, EveryReportShowsTheStableId) {
  auto s = make_summary(false);
  s.segment_ids = {7, 3, 12};
  s.next_segment_id = 13;
  const auto j = nlohmann::json::parse(report::render_json_report(s));
  ASSERT_EQ(j["segments"].size(), 3u);
  EXPECT_EQ(j["segments"][0]["segment"], 3);  // listed by ID, not by k-means index
  EXPECT_EQ(j["segments"][1]["segment"], 7);
  EXPECT_EQ(j["segments"][2]["segment"], 12);
  EXPECT_EQ(j["privacy"]["suppressed_segments"], nlohmann::json::array({3, 7}));
  EXPECT_EQ(j["fairness"][0]["segments"][2]["segment"], 12);
  EXPECT_FALSE(j.contains("segment_matching")) << "only with --previous";
  std::istringstream csv(report::render_segments_csv(s));
  std::string line, first_columns;
  std::getline(csv, line);
  while (std::getline(csv, line)) first_columns += line.substr(0, line.find(',')) + ";";
  EXPECT_EQ(first_columns, "3;7;12;");
  const std::string console = report::render_console_table(s);
  EXPECT_NE(console.find("\n     12 "), std::string::npos) << console;
  const std::string html = report::render_html_report(s);
  EXPECT_NE(html.find("data-segment=\"12\""), std::string::npos);
  EXPECT_NE(html.find("12 \u00b7 high recency_days"), std::string::npos);
  EXPECT_EQ(html.find("data-segment=\"2\""), std::string::npos) << "a k-means index shown as a segment";
  EXPECT_EQ(s.next_id(), 13);
  s.next_segment_id = 0;
  EXPECT_EQ(s.next_id(), 13) << "never below the largest ID + 1";
}

TEST(SegmentIds, MatchingSectionWithPrevious) {
  auto s = make_summary(false);
  s.matching = stats::match_segments({0.1, 9, 9, 3, 9, 9}, 3, {4, 5}, 6, 1.0);  // index 1 matched at 3 > 1: fresh
  s.matching->previous_path = "q1/results.h5";
  s.segment_ids = s.matching->segment_ids;
  const auto j = nlohmann::json::parse(report::render_json_report(s));
  const auto& m = j["segment_matching"];
  EXPECT_EQ(m["previous"], "q1/results.h5");
  EXPECT_EQ(m["vanished"], nlohmann::json::array({5}));
  EXPECT_EQ(m["next_segment_id"], 8);
  EXPECT_EQ(m["segments"][0]["segment"], 4);
  EXPECT_EQ(m["segments"][0]["kept_previous_id"], true);
  EXPECT_EQ(m["segments"][1]["segment"], 6);
  EXPECT_EQ(m["segments"][1]["matched_previous_segment"], 5);
  EXPECT_EQ(m["segments"][2]["segment"], 7);
  EXPECT_FALSE(m["segments"][2].contains("matched_previous_segment"));
  const std::string html = report::render_html_report(s);
  EXPECT_NE(html.find("id=\"matching-table\""), std::string::npos);
  EXPECT_NE(html.find("Vanished previous segments: 5."), std::string::npos);
  EXPECT_EQ(report::render_html_report(make_summary(false)).find("matching-table"), std::string::npos);
}

// After --previous the IDs are a permutation of the indices (plus new IDs): every list of segments
// follows the ID, and each row still carries its own index's figures.
TEST(SegmentIds, ReportsListSegmentsInIdOrder) {
  EXPECT_EQ(report::indices_by_id({2, 4, 3, 1, 5, 0}, 6), (std::vector<std::size_t>{5, 3, 0, 2, 1, 4}));
  EXPECT_EQ(report::indices_by_id({}, 3), (std::vector<std::size_t>{0, 1, 2})) << "no IDs: index order";
  auto s = make_summary(false);
  s.kmeans.counts = {1000, 60, 970};  // nothing suppressed: every figure visible
  s.min_segment_size = 10;
  s.segment_ids = {9, 2, 5};  // index 0 -> ID 9, 1 -> 2, 2 -> 5
  EXPECT_EQ(report::segments_in_id_order(s), (std::vector<std::size_t>{1, 2, 0}));
  const auto j = nlohmann::json::parse(report::render_json_report(s));
  ASSERT_EQ(j["segments"].size(), 3u);
  const int want_id[3] = {2, 5, 9};
  const std::int64_t want_count[3] = {60, 970, 1000};
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(j["segments"][i]["segment"], want_id[i]);
    EXPECT_EQ(j["segments"][i]["count"], want_count[i]) << "row " << i << " lost its own figures";
    EXPECT_EQ(j["fairness"][0]["segments"][i]["segment"], want_id[i]);
  }
  std::istringstream csv(report::render_segments_csv(s));
  std::string line, rows;
  std::getline(csv, line);
  while (std::getline(csv, line)) rows += line.substr(0, line.find(',', line.find(',') + 1)) + ";";
  EXPECT_EQ(rows, "2,60;5,970;9,1000;");
  const std::string html = report::render_html_report(s);
  const auto at = [&](const std::string& what) { return html.find(what); };
  EXPECT_LT(at("class=\"segment-row\" data-segment=\"2\""), at("class=\"segment-row\" data-segment=\"5\""));
  EXPECT_LT(at("class=\"segment-row\" data-segment=\"5\""), at("class=\"segment-row\" data-segment=\"9\""));
  // Colours follow the ID (the same in every period's report), not the k-means index.
  EXPECT_NE(at("data-segment=\"9\"><td><span class=\"swatch\" style=\"background:" + report::svg::segment_colour(9)),
            std::string::npos);
  const auto fair = at("fairness-table");
  EXPECT_LT(html.find("<tr data-segment=\"2\"", fair), html.find("<tr data-segment=\"9\"", fair));
  const std::string console = report::render_console_table(s);
  EXPECT_LT(console.find("\n      2 "), console.find("\n      9 ")) << console;
}

// assignments.csv lines: ids as they came (quoted only when RFC 4180 requires it), the stable
// segment ID, the quoted name, the float distance in shortest round-trip form; dropped rows -1.
TEST(AssignmentsCsv, LinesQuoteOnlyWhatMustBeQuotedAndMapStableIds) {
  custseg::data::CustomerIds ids;
  ids.text = true;
  ids.strings = {"C1", "C2,\"x\"", "C3\nline", "C4"};
  const std::vector<std::int32_t> labels{0, 1, -1, 1};
  const std::vector<float> distance{0.5f, 0.1f, 0.0f, 1.25f};
  const std::vector<std::int32_t> stable{7, 3};
  const std::vector<std::string> names{"Loyal, high value", "At \"risk\""};
  std::string text = custseg::report::assignments_csv_header();
  custseg::report::append_assignment_lines({ids, labels, distance, stable, names}, 0, 4, text);
  EXPECT_EQ(text,
            "customer_id,segment,segment_name,distance\n"
            "C1,7,\"Loyal, high value\",0.5\n"
            "\"C2,\"\"x\"\"\",3,\"At \"\"risk\"\"\",0.1\n"
            "\"C3\nline\",-1,,\n"
            "C4,3,\"At \"\"risk\"\"\",1.25\n");

  custseg::data::CustomerIds numbers;
  numbers.numbers = {18446744073709551615ull};
  const std::vector<std::int32_t> one{0};
  const std::vector<float> d{3.0e-7f};
  const std::vector<std::int32_t> identity;
  std::string line;
  custseg::report::append_assignment_lines({numbers, one, d, identity, names}, 0, 1, line);
  EXPECT_EQ(line, "18446744073709551615,0,\"Loyal, high value\",3e-07\n");
}

TEST(LabelCaveats, ChurnBeforeTheAsOfDateRestatesRecency) {
  EXPECT_EQ(report::days_between("2011-09-10", "2011-12-10"), 91);
  EXPECT_EQ(report::days_between("2012-02-28", "2012-03-01"), 2);  // leap year
  EXPECT_FALSE(report::days_between("2011-13-01", "2011-12-10").has_value());
  EXPECT_FALSE(report::days_between("", "2011-12-10").has_value());
  report::RunSummary s;
  s.profiles.kpis.resize(1);
  s.profiles.kpis[0].name = "churned";
  s.as_of = "2011-12-10";
  s.churn_after = "2011-09-10";
  s.rows_after_as_of = "0";  // the log ends before as-of: the label is exactly a recency threshold
  auto caveats = report::label_caveats(s);
  ASSERT_EQ(caveats.size(), 1U);
  EXPECT_NE(caveats[0].find("churned = 1 exactly when recency_days >= 91"), std::string::npos) << caveats[0];
  s.rows_after_as_of = "1200";  // later purchases can clear it: a threshold one way only
  caveats = report::label_caveats(s);
  ASSERT_EQ(caveats.size(), 1U);
  EXPECT_NE(caveats[0].find("churned = 1 only where recency_days >= 91"), std::string::npos) << caveats[0];
  s.churn_after = s.as_of;  // the forward-looking recipe: an observed future, no caveat
  EXPECT_TRUE(report::label_caveats(s).empty());
  s.churn_after = s.as_of;  // a cut-off at the end of a log that stops there: every customer churned
  s.rows_after_as_of = "0";
  caveats = report::label_caveats(s);
  ASSERT_EQ(caveats.size(), 1U);
  EXPECT_NE(caveats[0].find("every customer counts as churned"), std::string::npos) << caveats[0];
  s.churn_after = "";  // not made by ingest
  EXPECT_TRUE(report::label_caveats(s).empty());
}
