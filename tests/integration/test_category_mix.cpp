// --profile shows columns per segment without clustering on them (category mix of coded
// categoricals, declared --bands of numeric columns), --bands also groups a protected column for
// the fairness audit, a categorical feature is warned about, and column metadata (label, unit,
// higher_is) reaches report.json and report.html. Shares are checked against pandas
// (check_category_mix.py) at 1-4 ranks; misuse is a usage error (exit 2).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "cli.hpp"

using namespace custseg::testing;
namespace fs = std::filesystem;

namespace {

class CategoryMix : public GeneratedTable<CategoryMix> {
 public:
  static constexpr const char* kScratchName = "category_mix";
  static std::string generate_args() { return "--rows 6000 --seed 21"; }

 protected:
  static std::string run_dir(const std::string& name) { return (dir_ / (name + "-np" + std::to_string(test_np()))).string(); }
  static std::string segment(const std::string& out, const std::string& extra) {
    return "segment --input " + table() + " --output " + out + " --k 4 --n-init 1 --seed 2 --overwrite " + extra;
  }
};

}  // namespace

TEST_F(CategoryMix, SharesPerSegmentMatchPandas) {
  const std::string run = run_dir("mix");
  const auto r = run_custseg(segment(run, "--profile 'region, age' --bands 'age:25,35,50,65' --protected 'gender, age' "
                                          "--bands 'age:25,35,50,65'"));
  // --bands given twice is one option given twice: a usage error, not a silent pick.
  EXPECT_EQ(r.exit_code, 2) << r.output;
  const auto ok = run_custseg(segment(run, "--protected gender --profile 'region, age' --bands 'age:25,35,50,65'"));
  ASSERT_EQ(ok.exit_code, 0) << ok.output;
  const auto c = run_shell("/usr/bin/python3 " + source_dir() + "/tests/integration/check_category_mix.py " + table() +
                           " " + run + " region age:25,35,50,65");
  EXPECT_EQ(c.exit_code, 0) << c.output;
  const std::string html = slurp(fs::path(run) / "report.html");
  EXPECT_NE(html.find("Who is in each segment"), std::string::npos);
  EXPECT_NE(html.find("25 &lt;= age &lt; 35"), std::string::npos) << "band labels in the mix table";
  EXPECT_NE(html.find("green = better than average"), std::string::npos) << "higher_is drives the heatmap colours";
  EXPECT_NE(html.find("recency_days (days)"), std::string::npos) << "units beside feature names";
}

TEST_F(CategoryMix, BandsGroupAProtectedColumnForTheAudit) {
  const std::string run = run_dir("audit");
  const auto r = run_custseg(segment(run, "--protected 'gender, age' --bands 'age:30,50'"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto j = nlohmann::json::parse(slurp(fs::path(run) / "report.json"));
  bool seen = false;
  for (const auto& a : j["fairness"]) {
    if (a["column"] != "age") continue;
    seen = true;
    EXPECT_EQ(a["groups"], nlohmann::json::array({"age < 30", "30 <= age < 50", "age >= 50"}));
  }
  EXPECT_TRUE(seen) << j["fairness"].dump();
}

TEST_F(CategoryMix, CategoricalFeatureIsWarnedAbout) {
  const auto r = run_custseg(segment(run_dir("categorical-feature"), "--features monetary,frequency,region"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("warning: feature 'region' is an integer-coded categorical"), std::string::npos) << r.output;
}

TEST_F(CategoryMix, MisuseIsAUsageError) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"--features monetary,region --profile region", "is a --profile column and a feature"},
      {"--profile region --bands 'monetary:10,20'", "neither a --profile nor a --protected column"},
      {"--profile age --bands 'age:30,20'", "cuts must increase"},
      {"--profile age --bands 'age 30,50'", "needs the form column:cut"},
      {"--profile region --bands 'region:1,2'", "holds categories"},
      {"--profile nosuchcolumn", "not found"},
      // gender is protected by its role attribute (generate writes it): the message says so.
      {"--profile gender", "already a protected column (by its role attribute in"},
      {"--profile churned --kpi churned", "already a KPI (by --kpi)"},
  };
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const std::string out = run_dir("misuse" + std::to_string(i));
    const auto r = run_custseg(segment(out, cases[i].first));
    EXPECT_NE(r.exit_code, 0) << cases[i].first;
    EXPECT_NE(r.output.find(cases[i].second), std::string::npos) << cases[i].first << "\n" << r.output;
    EXPECT_FALSE(fs::exists(fs::path(out) / "results.h5"));
  }
}

// A higher_is that is empty or a list of strings (what h5py writes for a Python list) is refused
// naming the column: either would colour the report by a guess.
TEST_F(CategoryMix, MalformedHigherIsAttributeIsAnInputError) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"''", "has higher_is = ''"},
      {"['good', 'bad']", "has a higher_is attribute of 2 strings"},
  };
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const std::string copy = run_dir("higher-is" + std::to_string(i)) + ".h5";
    const auto w = run_shell("cp " + table() + " " + copy + " && /usr/bin/python3 -c \"import h5py,sys; f=h5py.File(sys.argv[1],'r+'); "
                             "ds=[]; f.visititems(lambda n,o: ds.append(o) if isinstance(o,h5py.Dataset) and n.endswith('monetary') else None); "
                             "ds[0].attrs['higher_is']=" + cases[i].first + "\" " + copy);
    ASSERT_EQ(w.exit_code, 0) << w.output;
    const std::string out = run_dir("higher-is-run" + std::to_string(i));
    const auto r = run_custseg("segment --input " + copy + " --output " + out + " --k 3 --n-init 1 -q");
    EXPECT_EQ(r.exit_code, 3) << r.output;
    EXPECT_NE(r.output.find("column 'monetary' " + cases[i].second), std::string::npos) << r.output;
    EXPECT_FALSE(fs::exists(fs::path(out) / "results.h5"));
  }
}
