// custseg ingest on the real UCI Online Retail file at CUSTSEG_TEST_NP ranks: the quality report
// against facts computed without custseg, two customers checked by hand, byte identity with a
// 1-rank run, --strict, --as-of/--churn-after, and segment on the result.
//
// Where the expected figures come from (each computed once with Python's csv module and
// decimal.Decimal over online_retail.csv, independently of custseg; the first four are also
// among the facts in ../shared/data/online-retail/SOURCE.txt):
//   541909 data rows; 135080 rows without CustomerID; 4372 distinct customers;
//   397884 rows with CustomerID, Quantity > 0, UnitPrice > 0 (and no "C" invoice);
//   8905 rows with CustomerID on "C" invoices (SOURCE: 9288 "C" rows in all, 383 of them without
//   an id); 40 rows with CustomerID, Quantity > 0 and UnitPrice == 0 (SOURCE: 397924 - 397884);
//   first lines per reason: missing id 624, 1445, 1446, 1447, 1448; cancelled 143, 156, 237,
//   238, 239; zero price 9304, 33578, 40091, 47070, 47072;
//   sum(Quantity x UnitPrice) over the 397884 purchases = 8911407.904, over the 8905 cancelled
//   rows = -611342.09, net 8300065.814;
//   customer 12347: 7 invoices, 103 distinct StockCodes, 4310.00 spent, first purchase
//   2010-12-07, last 2011-12-07 (so recency 3 and tenure 368 days to 2011-12-10), Iceland;
//   customer 12346: one invoice of 74215 x 1.04 = 77183.60, cancelled in full (monetary 0);
//   with --as-of 2011-09-01 --churn-after 2011-06-01: 174757 purchase or netted rows dated on or
//   after 2011-09-01, 3317 customers with a purchase before it, 831 customers without a
//   purchase after 2011-06-01;
//   exact duplicate rows (duplicate_rows.py, also run by the tests): 5225 among rows with a
//   CustomerID, 5192 of them purchases worth 24199.01 and 33 on "C" invoices worth 2652.62, so
//   --dedupe leaves 392692 purchases, 8887208.894 purchased and 608689.47 returned.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>

#include "cli.hpp"
#include "custseg/io/hdf5.hpp"

using namespace custseg::testing;
namespace fs = std::filesystem;
using custseg::io::File;

namespace {

std::string retail_csv() { return shared_data() + "/online-retail/online_retail.csv"; }
std::string retail_config() { return source_dir() + "/configs/ingest-online-retail.ini"; }

std::string bytes_of(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

nlohmann::json read_json(const std::string& path) {
  std::ifstream in(path);
  return nlohmann::json::parse(in);
}

// The exact duplicate rows of LOG counted by duplicate_rows.py (csv module and Decimal); with
// `twice`, of that file, written first as LOG's data rows twice.
nlohmann::json duplicate_rows(const std::string& log, const std::string& twice = "") {
  const auto r = run_shell("/usr/bin/python3 " + source_dir() + "/tests/integration/duplicate_rows.py " + log + " " + twice);
  EXPECT_EQ(r.exit_code, 0) << r.output;
  return r.exit_code == 0 ? nlohmann::json::parse(r.output) : nlohmann::json();
}

class OnlineRetail : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = scratch_dir("ingest-retail");
    ::setenv("OMPI_MCA_odls_base_sigkill_timeout", "0", 1);  // see test_ingest_errors.cpp
    const auto r = run_custseg(ingest_args(table()));
    ASSERT_EQ(r.exit_code, 0) << r.output;
    output_ = r.output;
    if (test_np() > 1) {
      const auto ref = run_custseg(ingest_args(reference()) + " -q", 1);
      ASSERT_EQ(ref.exit_code, 0) << ref.output;
    }
  }
  static void TearDownTestSuite() { fs::remove_all(dir_); }
  static std::string ingest_args(const std::string& out) {
    return "ingest --config " + retail_config() + " --transactions " + retail_csv() + " --output " + out;
  }
  static std::string table() { return (dir_ / "customers.h5").string(); }
  // At 1 rank the run itself is the reference.
  static std::string reference() { return test_np() > 1 ? (dir_ / "reference.h5").string() : table(); }
  static inline fs::path dir_;
  static inline std::string output_;
};

}  // namespace

TEST_F(OnlineRetail, QualityReportMatchesIndependentCounts) {
  const auto q = read_json(table() + ".quality.json");
  EXPECT_EQ(q["rows_read"], 541909);
  EXPECT_EQ(q["rows_used_as_purchases"], 397884);
  EXPECT_EQ(q["rows_after_as_of"], 0);
  EXPECT_EQ(q["rows_set_aside"], 541909 - 397884);
  EXPECT_EQ(q["every_row_accounted_for"], true);
  const auto& s = q["set_aside"];
  EXPECT_EQ(s["missing_customer_id"]["count"], 135080);
  EXPECT_EQ(s["missing_customer_id"]["first_lines"], nlohmann::json({624, 1445, 1446, 1447, 1448}));
  EXPECT_EQ(s["cancelled_invoice"]["count"], 8905);
  EXPECT_EQ(s["cancelled_invoice"]["first_lines"], nlohmann::json({143, 156, 237, 238, 239}));
  EXPECT_EQ(s["cancelled_invoice"]["netted_into_monetary"], true);
  EXPECT_EQ(s["zero_price"]["count"], 40);
  EXPECT_EQ(s["zero_price"]["first_lines"], nlohmann::json({9304, 33578, 40091, 47070, 47072}));
  for (const char* none : {"unparsable_date", "unparsable_quantity", "unparsable_price",
                           "negative_quantity", "zero_quantity", "negative_price"})
    EXPECT_EQ(s[none]["count"], 0) << none;
  EXPECT_EQ(q["customers"], 4372);
  EXPECT_EQ(q["customers_without_purchases"], 34);  // 4372 customers, 4338 with a priced purchase
  EXPECT_EQ(q["purchases_total"], "8911407.9040");
  EXPECT_EQ(q["returns_total"], "611342.0900");
  EXPECT_EQ(q["monetary_total"], "8300065.8140");
  EXPECT_EQ(q["first_transaction"], "2010-12-01 08:26:00");
  EXPECT_EQ(q["last_transaction"], "2011-12-09 12:50:00");
  EXPECT_EQ(q["as_of"], "2011-12-10");
  const auto duplicates = duplicate_rows(retail_csv());
  EXPECT_EQ(duplicates["count"], 5225);
  EXPECT_EQ(q["duplicate_rows"]["count"], duplicates["count"]);
  EXPECT_EQ(q["duplicate_rows"]["by_disposition"], duplicates["by_disposition"]);
  EXPECT_EQ(q["duplicate_rows"]["dropped"], false);
  // The console summary comes once, from rank 0.
  EXPECT_NE(output_.find("missing_customer_id"), std::string::npos) << output_;
  EXPECT_EQ(output_.find("data quality:"), output_.rfind("data quality:")) << output_;
}

TEST_F(OnlineRetail, CustomersCheckedByHand) {
  const File f = File::open_serial(table(), false);
  const auto ids = f.read_all<std::uint64_t>("/customers/customer_id");
  ASSERT_EQ(ids.size(), 4372U);
  EXPECT_TRUE(std::is_sorted(ids.begin(), ids.end()));
  EXPECT_EQ(std::adjacent_find(ids.begin(), ids.end()), ids.end());
  const auto col = [&](const char* name) { return f.read_all<double>(std::string("/customers/") + name); };
  const auto recency = col("recency_days"), frequency = col("frequency"), monetary = col("monetary"),
             tenure = col("tenure_days"), basket = col("avg_basket"), returns = col("return_rate"),
             products = col("distinct_products"), country = col("country"), revenue = col("revenue");
  const auto labels = f.read_string_attribute("/customers/country", "categories");
  EXPECT_TRUE(std::is_sorted(labels.begin(), labels.end()));

  const auto row = [&](std::uint64_t id) {
    return static_cast<std::size_t>(std::lower_bound(ids.begin(), ids.end(), id) - ids.begin());
  };
  const std::size_t a = row(12347);
  ASSERT_EQ(ids[a], 12347U);
  EXPECT_EQ(frequency[a], 7);
  EXPECT_EQ(products[a], 103);
  EXPECT_EQ(monetary[a], 4310.0);
  EXPECT_EQ(revenue[a], 4310.0);
  EXPECT_EQ(basket[a], 4310.0 / 7);
  EXPECT_EQ(returns[a], 0.0);
  EXPECT_EQ(recency[a], 3.0);
  EXPECT_EQ(tenure[a], 368.0);
  EXPECT_EQ(labels.at(static_cast<std::size_t>(country[a])), "Iceland");

  const std::size_t b = row(12346);
  ASSERT_EQ(ids[b], 12346U);
  EXPECT_EQ(frequency[b], 1);
  EXPECT_EQ(revenue[b], 77183.6);
  EXPECT_EQ(monetary[b], 0.0);
  EXPECT_EQ(returns[b], 1.0);
  EXPECT_EQ(recency[b], 326.0);  // 2011-01-18 to 2011-12-10

  double net = 0;
  std::size_t without = 0;
  for (std::size_t i = 0; i < ids.size(); ++i) {
    net += monetary[i];
    without += frequency[i] == 0;
    if (frequency[i] == 0) {
      EXPECT_TRUE(std::isnan(recency[i]) && std::isnan(basket[i])) << ids[i];
    }
  }
  EXPECT_NEAR(net, 8300065.814, 1e-4);
  EXPECT_EQ(without, 34U);
}

TEST_F(OnlineRetail, OutputIsByteIdenticalToOneRank) {
  if (test_np() == 1) GTEST_SKIP() << "the 1-rank run is the reference";
  EXPECT_EQ(bytes_of(table()), bytes_of(reference())) << "customers.h5 differs between 1 and " << test_np() << " ranks";
  EXPECT_EQ(bytes_of(table() + ".quality.json"), bytes_of(reference() + ".quality.json"));
}

TEST_F(OnlineRetail, StrictFailsOnSetAsideRowsButWritesTheReport) {
  const std::string out = (dir_ / "strict.h5").string();
  const auto r = run_custseg(ingest_args(out) + " --strict -q");
  EXPECT_EQ(r.exit_code, 3) << r.output;
  EXPECT_NE(r.output.find("--strict: 144025 of 541909 rows were set aside"), std::string::npos) << r.output;
  EXPECT_FALSE(fs::exists(out));
  EXPECT_FALSE(fs::exists(out + ".partial"));
  EXPECT_TRUE(fs::exists(out + ".quality.json"));
}

TEST_F(OnlineRetail, AsOfAndChurnLabel) {
  const std::string out = (dir_ / "asof.h5").string();
  const auto r = run_custseg(ingest_args(out) + " --as-of 2011-09-01 --churn-after 2011-06-01 -q");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto q = read_json(out + ".quality.json");
  EXPECT_EQ(q["rows_after_as_of"], 174757);
  EXPECT_EQ(q["customers"], 4372);
  EXPECT_EQ(q["customers_without_purchases"], 4372 - 3317);
  const File f = File::open_serial(out, false);
  const auto churned = f.read_all<std::int32_t>("/customers/churned");
  EXPECT_EQ(std::count(churned.begin(), churned.end(), 1), 831);
  EXPECT_EQ(f.read_string_attribute("/customers/churned", "role"), std::vector<std::string>{"kpi"});
}

TEST_F(OnlineRetail, SegmentsTheIngestedTableIdenticallyAtEveryRankCount) {
  const std::string args = " --k 4 --seed 1 --features recency_days,frequency,monetary --transform "
                           "'recency_days:log1p,frequency:log1p,monetary:log1p' --nan-policy drop -q";
  const auto r = run_custseg("segment --input " + table() + " --output " + (dir_ / "seg").string() + args);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto report = read_json((dir_ / "seg" / "report.json").string());
  EXPECT_FALSE(report.empty());
  // Segmented on recency, frequency and monetary only: the RFM segment map's names, as numpy
  // recomputes them from the assignments and the table (docs/outputs.md, "Segment names").
  const auto names = run_shell("/usr/bin/python3 " + source_dir() + "/tests/integration/check_rfm_names.py " +
                               (dir_ / "seg").string() + " " + table());
  EXPECT_EQ(names.exit_code, 0) << names.output;
  EXPECT_EQ(report["as_of"], "2011-12-10");
  EXPECT_TRUE(report["label_caveats"].empty()) << "no churned column, no caveat";
  if (test_np() == 1) return;
  const auto ref = run_custseg("segment --input " + reference() + " --output " + (dir_ / "seg-ref").string() + args, 1);
  ASSERT_EQ(ref.exit_code, 0) << ref.output;
  const auto seg = File::open_serial((dir_ / "seg" / "results.h5").string(), false).read_all<std::int32_t>("/assignments/segment");
  const auto seg_ref =
      File::open_serial((dir_ / "seg-ref" / "results.h5").string(), false).read_all<std::int32_t>("/assignments/segment");
  EXPECT_EQ(seg, seg_ref);
  const auto c = File::open_serial((dir_ / "seg" / "results.h5").string(), false).read_all<double>("/model/centroids");
  const auto c_ref = File::open_serial((dir_ / "seg-ref" / "results.h5").string(), false).read_all<double>("/model/centroids");
  EXPECT_EQ(c, c_ref);
}

// Honest labels (docs/input-csv.md, "The churned label"): a churned column cut before the as-of
// date restates recency_days; the report says so with the threshold, and h5py checks the claim row
// by row: exactly (churn-after 2011-09-09, log ending before as-of 2011-12-10: recency >= 92) and
// one way only (as-of 2011-09-01 inside the log, churn-after 2011-06-01: churned only where recency >= 92).
TEST_F(OnlineRetail, ReportSaysWhenChurnRestatesRecency) {
  struct Case {
    std::string name, dates, caveat, check;
  };
  const Case cases[] = {
      {"past", " --churn-after 2011-09-09", "churned = 1 exactly when recency_days >= 92", "exact"},
      {"window", " --as-of 2011-09-01 --churn-after 2011-06-01", "churned = 1 only where recency_days >= 92", "implies"},
      {"forward", " --as-of 2011-09-01 --churn-after 2011-09-01", "", "none"},
      // A cut-off at the log's end: nothing after it to observe, every customer churned.
      {"empty-window", " --churn-after 2011-12-10", "every customer counts as churned", "none"}};
  for (const auto& c : cases) {
    const std::string table_path = (dir_ / ("churn-" + c.name + ".h5")).string();
    ASSERT_EQ(run_custseg(ingest_args(table_path) + c.dates + " -q").exit_code, 0);
    const std::string out = (dir_ / ("churn-seg-" + c.name)).string();
    const auto r = run_custseg("segment --input " + table_path + " --output " + out +
                               " --k 4 --seed 1 --features recency_days,frequency,monetary --nan-policy drop -q");
    ASSERT_EQ(r.exit_code, 0) << r.output;
    const auto report = read_json(out + "/report.json");
    const std::string html = slurp(out + "/report.html");
    if (c.caveat.empty()) {
      EXPECT_TRUE(report["label_caveats"].empty()) << c.name << ": " << report["label_caveats"].dump();
      EXPECT_EQ(html.find("label-caveat"), std::string::npos) << c.name;
      continue;
    }
    ASSERT_EQ(report["label_caveats"].size(), 1U) << c.name;
    EXPECT_NE(report["label_caveats"][0].get<std::string>().find(c.caveat), std::string::npos)
        << c.name << ": " << report["label_caveats"][0];
    EXPECT_NE(html.find("class=\"note label-caveat\""), std::string::npos) << c.name;
    if (c.name == "past") {  // sweep's report says it too
      const auto sweep = run_custseg("sweep -q --input " + table_path + " --output " + out + "-sweep --k 3:4 --n-init 1 "
                                     "--features recency_days,frequency,monetary --nan-policy drop --silhouette-sample 500");
      ASSERT_EQ(sweep.exit_code, 0) << sweep.output;
      const auto swept = read_json(out + "-sweep/report.json");
      ASSERT_EQ(swept["label_caveats"].size(), 1U) << swept["label_caveats"].dump();
      EXPECT_NE(swept["label_caveats"][0].get<std::string>().find(c.caveat), std::string::npos);
    }
    if (c.check == "none") continue;
    // Rows that break the claim, among customers with purchases before as-of: churned = 1 where
    // recency < 92 (never), and churned = 0 where recency >= 92 (never when exact).
    const auto counts = run_shell("/usr/bin/python3 -c \"import h5py, numpy as np, sys; g = h5py.File(sys.argv[1])['customers']; "
                                  "r = g['recency_days'][()]; c = g['churned'][()]; ok = ~np.isnan(r); "
                                  "print(int(np.sum((c == 1) & ok & (r < 92))), int(np.sum((c == 0) & ok & (r >= 92))))\" " +
                                  table_path);
    if (c.check == "exact") EXPECT_EQ(counts.output, "0 0\n") << c.name;
    else EXPECT_EQ(counts.output.substr(0, 2), "0 ") << c.name << ": " << counts.output;
  }
}

// --dedupe drops the exact duplicate rows from the counts and the sums (figures above), and the
// report says they were dropped; every row is still accounted for.
TEST_F(OnlineRetail, DedupeDropsExactDuplicateRowsFromCountsAndSums) {
  const std::string out = (dir_ / "deduped.h5").string();
  const auto r = run_custseg(ingest_args(out) + " --dedupe -q");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto q = read_json(out + ".quality.json");
  EXPECT_EQ(q["duplicate_rows"]["count"], 5225);
  EXPECT_EQ(q["duplicate_rows"]["dropped"], true);
  EXPECT_EQ(q["rows_used_as_purchases"], 397884 - 5192);
  EXPECT_EQ(q["set_aside"]["cancelled_invoice"]["count"], 8905 - 33);
  EXPECT_EQ(q["purchases_total"], "8887208.8940");
  EXPECT_EQ(q["returns_total"], "608689.4700");
  EXPECT_EQ(q["every_row_accounted_for"], true);
  EXPECT_EQ(q["customers"], 4372) << "a copy never removes a customer";
}

// A log fed twice (its data rows repeated) is reported: every row has a copy, the counts equal
// the independent ones, and a warning asks whether the same file was fed twice.
TEST_F(OnlineRetail, ALogFedTwiceIsReported) {
  const std::string slice = (dir_ / "slice.csv").string(), twice = (dir_ / "twice.csv").string();
  ASSERT_EQ(run_shell("head -n 20001 " + retail_csv() + " > " + slice).exit_code, 0);
  const auto expected = duplicate_rows(slice, twice);
  const std::string out = (dir_ / "twice.h5").string();
  const auto r = run_custseg("ingest --config " + retail_config() + " --transactions " + twice + " --output " + out);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto q = read_json(out + ".quality.json");
  EXPECT_EQ(q["duplicate_rows"]["count"], expected["count"]);
  EXPECT_EQ(q["duplicate_rows"]["by_disposition"], expected["by_disposition"]);
  ASSERT_EQ(q["warnings"].size(), 1u) << q["warnings"].dump();
  EXPECT_NE(q["warnings"][0].get<std::string>().find("fed twice"), std::string::npos) << q["warnings"].dump();
  EXPECT_NE(r.output.find("fed twice"), std::string::npos) << r.output;
}

namespace {

// A --memory-limit that makes ingest read `log` in about `passes` passes at this rank count
// (ingest_transactions.cpp sizes a pass at 24 bytes of memory per byte of log per rank).
std::string memory_limit_for_passes(const std::string& log, double passes) {
  const double need = static_cast<double>(fs::file_size(log)) / test_np() * 24;
  return std::to_string(static_cast<std::uint64_t>(need / (passes - 0.5)));
}

// Rewrites the first `lines` lines of the retail log with string ids for the customers whose
// id is odd ("C12347"), leaving the even ones integers: a log of mixed ids.
void write_mixed_id_log(const std::string& out, int lines) {
  const auto r = run_shell("/usr/bin/python3 -c \"import csv,sys\nr=csv.reader(open(sys.argv[1],newline='',encoding='utf-8'))\n"
                           "w=csv.writer(open(sys.argv[2],'w',newline='',encoding='utf-8'))\nh=next(r);w.writerow(h);i=h.index('CustomerID')\n"
                           "for n,row in enumerate(r):\n  if n>=int(sys.argv[3]):break\n"
                           "  if row[i] and int(float(row[i]))%2: row[i]='C'+row[i]\n  w.writerow(row)\" " +
                           retail_csv() + " " + out + " " + std::to_string(lines));
  ASSERT_EQ(r.exit_code, 0) << r.output;
}

}  // namespace

// A log read in several passes (--memory-limit below what one pass needs) gives the same table
// and quality report, byte for byte, as one pass: with --dedupe, --as-of and --churn-after on
// the whole log, and on a log of mixed string and integer ids.
TEST_F(OnlineRetail, SeveralPassesGiveTheSameTableAndReport) {
  const std::string options = " --dedupe --as-of 2011-09-01 --churn-after 2011-06-01";
  const std::string one = (dir_ / "one-pass.h5").string(), several = (dir_ / "passes.h5").string();
  auto r = run_custseg(ingest_args(one) + options + " --memory-limit 1T -q");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  r = run_custseg(ingest_args(several) + options + " --memory-limit " + memory_limit_for_passes(retail_csv(), 3));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("3 passes over the log"), std::string::npos) << r.output;
  EXPECT_EQ(bytes_of(one), bytes_of(several)) << "the table differs between 1 and 3 passes";
  EXPECT_EQ(bytes_of(one + ".quality.json"), bytes_of(several + ".quality.json"));

  const std::string mixed = (dir_ / "mixed-ids.csv").string();
  write_mixed_id_log(mixed, 60000);
  const std::string mixed_one = (dir_ / "mixed-one.h5").string(), mixed_several = (dir_ / "mixed-passes.h5").string();
  const std::string mixed_args = "ingest --config " + retail_config() + " --transactions " + mixed + " --output ";
  r = run_custseg(mixed_args + mixed_one + " --memory-limit 1T -q");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  r = run_custseg(mixed_args + mixed_several + " --memory-limit " + memory_limit_for_passes(mixed, 5));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("5 passes over the log"), std::string::npos) << r.output;
  EXPECT_EQ(bytes_of(mixed_one), bytes_of(mixed_several)) << "the mixed-id table differs between 1 and 5 passes";
  EXPECT_EQ(bytes_of(mixed_one + ".quality.json"), bytes_of(mixed_several + ".quality.json"));
  const File f = File::open_serial(mixed_one, false);
  const auto ids = f.read_strings("/customers/customer_id");
  const auto textual = [](const std::string& id) { return !id.empty() && id[0] == 'C'; };
  EXPECT_TRUE(std::any_of(ids.begin(), ids.end(), textual) && !std::all_of(ids.begin(), ids.end(), textual))
      << "the log should give both string and integer ids";
}
