// Customer tables as h5py and pandas write them (docs/input-hdf5.md), through the built custseg:
// pandas "fixed" and "table" layouts give the same results as plain columns; unused text, bool,
// 2-D and ragged columns are ignored; vlen role/categories attributes, bool KPIs and text
// protected columns are used; ids come back as they came, bad and repeated ids are input errors
// naming the row. Tables and expected figures come from make_input_tables.py (h5py/numpy).
#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "cli.hpp"
#include "results_reader.hpp"

using namespace custseg::testing;
namespace fs = std::filesystem;

namespace {

class InputHdf5 : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = scratch_dir("input-hdf5");
    const auto made = run_shell("/usr/bin/python3 " + source_dir() + "/tests/integration/make_input_tables.py " + dir_.string());
    ASSERT_EQ(made.exit_code, 0) << made.output;
    expected_ = nlohmann::json::parse(slurp(dir_ / "expected.json"));
  }
  static void TearDownTestSuite() { fs::remove_all(dir_); }

  static std::string in(const std::string& name) { return (dir_ / name).string(); }
  static std::string out(const std::string& name) { return (dir_ / ("out-" + name)).string(); }
  // segment on the three numeric features, no reporting columns unless `extra` names them.
  static RunResult segment(const std::string& input, const std::string& run, const std::string& extra = "",
                           const std::string& features = "recency_days,frequency,monetary") {
    return run_custseg("segment --input " + in(input) + " --output " + out(run) + " --features " + features +
                       " --k 3 --seed 2 --n-init 1 -q --overwrite " + extra);
  }
  static void skip_without_pandas() {
    if (!expected_["pandas"].get<bool>()) GTEST_SKIP() << "pandas/PyTables not installed (scripts/test-packages.txt)";
  }
  static void expect_error(const RunResult& r, const std::string& text) {
    EXPECT_EQ(r.exit_code, 3) << r.output;
    EXPECT_NE(r.output.find(text), std::string::npos) << "expected '" << text << "' in:\n" << r.output;
  }

  static inline fs::path dir_;
  static inline nlohmann::json expected_;
};

std::string results(const std::string& dir) { return dir + "/results.h5"; }

}  // namespace

TEST_F(InputHdf5, PandasFixedAndTableLayoutsGiveTheResultsOfPlainColumns) {
  skip_without_pandas();
  const auto ref = segment("plain.h5", "plain", "--kpi none --protected none");
  ASSERT_EQ(ref.exit_code, 0) << ref.output;
  const auto ref_segments = read_dataset<std::int32_t>(results(out("plain")), "/assignments/segment");
  const auto ref_centroids = read_dataset<double>(results(out("plain")), "/model/centroids");
  // The last run streams its features from the pandas table in chunks (--memory-limit).
  for (const auto& [file, key] : std::vector<std::pair<std::string, std::string>>{
           {"pandas_fixed.h5", ""},
           {"pandas_table.h5", "--key df"},
           {"pandas_table_dc.h5", "--key df"},
           {"pandas_table.h5", "--key df --memory-limit 16K"}}) {
    const auto r = segment(file, file, key + " --kpi none --protected none");
    ASSERT_EQ(r.exit_code, 0) << file << "\n" << r.output;
    EXPECT_EQ(read_dataset<std::int32_t>(results(out(file)), "/assignments/segment"), ref_segments) << file;
    EXPECT_EQ(read_dataset<double>(results(out(file)), "/model/centroids"), ref_centroids) << file;
    EXPECT_EQ(read_dataset<std::uint64_t>(results(out(file)), "/assignments/customer_id"),
              read_dataset<std::uint64_t>(results(out("plain")), "/assignments/customer_id"));
  }
}

TEST_F(InputHdf5, UnusedTextBoolTwoDimensionalAndShorterColumnsAreIgnored) {
  const auto ref = segment("plain.h5", "plain-2", "--kpi none --protected none");
  ASSERT_EQ(ref.exit_code, 0) << ref.output;
  const auto r = segment("extras.h5", "extras-unused", "--kpi none --protected none");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(read_dataset<std::int32_t>(results(out("extras-unused")), "/assignments/segment"),
            read_dataset<std::int32_t>(results(out("plain-2")), "/assignments/segment"));
}

TEST_F(InputHdf5, VlenRoleAndCategoriesAttributesBoolKpisAndTextGroupsAreUsed) {
  const auto r = segment("extras.h5", "extras-roles", "--protected gender,region");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto j = nlohmann::json::parse(slurp(fs::path(out("extras-roles")) / "report.json"));
  std::vector<std::string> kpis;
  for (const auto& k : j["kpis"]) kpis.push_back(k["name"]);
  std::sort(kpis.begin(), kpis.end());
  EXPECT_EQ(kpis, (std::vector<std::string>{"churned", "revenue_12m"}));  // discovered from vlen role attributes
  EXPECT_NEAR(j["population_kpis"]["churned"]["rate"].get<double>(), expected_["churn_rate"].get<double>(), 1e-12);
  ASSERT_EQ(j["fairness"].size(), 2u);
  EXPECT_EQ(j["fairness"][0]["groups"], (std::vector<std::string>{"female", "male"}));  // vlen categories
  EXPECT_EQ(j["fairness"][1]["groups"], expected_["regions"].get<std::vector<std::string>>());  // text values
}

TEST_F(InputHdf5, TextColumnsAsFeaturesOrKpisAreRefusedByName) {
  expect_error(segment("extras.h5", "bad-feature", "--kpi none --protected none", "monetary,country"), "column 'country'");
  expect_error(segment("extras.h5", "bad-kpi", "--kpi region --protected none"), "column 'region'");
  expect_error(segment("extras.h5", "bad-2d", "--kpi none --protected none", "monetary,embedding"), "not one-dimensional");
}

TEST_F(InputHdf5, StringIdsComeBackAsTheyCame) {
  for (const char* file : {"ids_text.h5", "ids_fixed_text.h5"}) {
    const auto r = segment(file, file, "--kpi none --protected none");
    ASSERT_EQ(r.exit_code, 0) << r.output;
    const auto ids = custseg::io::File::open_serial(results(out(file)), false).read_strings("/assignments/customer_id");
    std::vector<std::string> want = expected_["text_ids"].get<std::vector<std::string>>();
    if (std::string(file) == "ids_fixed_text.h5")
      for (auto& s : want) s = s.substr(0, 6);  // 'C10000' without the accent: S6 bytes
    EXPECT_EQ(ids, want) << file;
  }
}

TEST_F(InputHdf5, RepeatedIdsAreAnInputErrorUnlessAllowed) {
  // Named by its rows, never by the id (docs/privacy.md).
  expect_error(segment("ids_dup.h5", "dup", "--kpi none --protected none"), "holds a customer id more than once: rows 17 and 250");
  const auto r = segment("ids_dup.h5", "dup-ok", "--kpi none --protected none --allow-duplicate-ids true");
  EXPECT_EQ(r.exit_code, 0) << r.output;
}

TEST_F(InputHdf5, PandasTextColumnsAndNamedIndexesAreColumns) {
  skip_without_pandas();
  const auto r = segment("pandas_table_text.h5", "table-text", "--key df --kpi none --protected gender");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(custseg::io::File::open_serial(results(out("table-text")), false).read_strings("/assignments/customer_id"),
            expected_["table_text_ids"].get<std::vector<std::string>>());
  const auto j = nlohmann::json::parse(slurp(fs::path(out("table-text")) / "report.json"));
  EXPECT_EQ(j["fairness"][0]["groups"], expected_["table_genders"].get<std::vector<std::string>>());
  const auto c = segment("pandas_table_categorical.h5", "categorical", "--key df --kpi none --protected tier");
  ASSERT_EQ(c.exit_code, 0) << c.output;
  const auto jc = nlohmann::json::parse(slurp(fs::path(out("categorical")) / "report.json"));
  EXPECT_EQ(jc["fairness"][0]["groups"], expected_["tier_groups"].get<std::vector<std::string>>());  // category order
  const auto f = segment("pandas_fixed_index.h5", "fixed-index", "--kpi none --protected none");
  ASSERT_EQ(f.exit_code, 0) << f.output;
  const auto ids = read_dataset<std::uint64_t>(results(out("fixed-index")), "/assignments/customer_id");
  ASSERT_EQ(ids.size(), expected_["rows"].get<std::size_t>());
  for (std::size_t i = 0; i < ids.size(); ++i) EXPECT_EQ(ids[i], 1000 * (i + 1));
}

TEST_F(InputHdf5, PandasFloatIdsWithAGapNameTheRow) {
  skip_without_pandas();
  expect_error(segment("pandas_nan_ids.h5", "nan-ids", "--key df --kpi none --protected none"),
               "id column 'customer_id' of " + in("pandas_nan_ids.h5") + ": row 5 holds a value that is NaN");
}

TEST_F(InputHdf5, WhatCannotBeReadSaysWhatWasFoundAndHowToConvert) {
  skip_without_pandas();
  expect_error(segment("pandas_fixed.h5", "object", "--kpi none --protected none", "monetary,country"), "format='table'");
  expect_error(segment("pandas_series.h5", "series", "--kpi none --protected none"), "pandas 'series' object");
  expect_error(segment("pandas_table.h5", "nokey", "--kpi none --protected none"), "select one with --key");
}

TEST_F(InputHdf5, SweepReadsPandasTablesByKey) {
  skip_without_pandas();
  const auto r = run_custseg("sweep --input " + in("pandas_table.h5") + " --key df --output " + out("sweep") +
                             " --features recency_days,frequency,monetary --k 2:3 --restarts 2 --kpi none "
                             "--protected none -q --overwrite");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(fs::exists(fs::path(out("sweep")) / "sweep.csv"));
}
