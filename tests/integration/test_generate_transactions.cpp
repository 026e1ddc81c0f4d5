// generate --transactions at CUSTSEG_TEST_NP ranks (issue 14, "Scale"): the log and its truth file
// are byte-identical to a 1-rank run with another chunk size; through `ingest --calibration-end`
// and `custseg clv` a 30,000-customer draw gives back every true parameter within 3 standard
// errors; bad values are usage errors. tests/clv/check_generated_log.py checks the log against
// the models' formulas without custseg.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <cmath>
#include <span>
#include <utility>

#include "cli.hpp"

using namespace custseg::testing;
namespace fs = std::filesystem;

namespace {

class GenerateTransactions : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { dir_ = scratch_dir("generate-transactions"); }
  static void TearDownTestSuite() { fs::remove_all(dir_); }
  static std::string path(const std::string& name) { return (dir_ / name).string(); }
  static RunResult generate(const std::string& args, int np = test_np()) {
    return run_custseg("generate --transactions -q " + args, np);
  }
  static nlohmann::json read_json(const std::string& p) { return nlohmann::json::parse(slurp(p)); }
  static inline fs::path dir_;
};

// Parameters away from the defaults, so the options reach the model.
const std::pair<const char*, double> kBgnbd[] = {{"r", 0.4}, {"alpha", 6.0}, {"a", 0.9}, {"b", 3.0}};
const std::pair<const char*, double> kSpend[] = {{"p", 5.0}, {"q", 4.0}, {"gamma", 20.0}};

std::string model_options() {
  std::string s;
  for (const auto& [name, value] : kBgnbd) s += " --" + std::string(name) + " " + std::to_string(value);
  for (const auto& [name, value] : kSpend) s += " --" + std::string(name) + " " + std::to_string(value);
  return s;
}

}  // namespace

// Each rank draws its customers from (seed, customer) alone and writes them in rank order: any
// rank count and chunk size gives the same bytes.
TEST_F(GenerateTransactions, SameBytesAtAnyRankCountAndChunkSize) {
  fs::create_directories(path("np"));
  fs::create_directories(path("one"));
  const auto r = generate("--customers 6000 --seed 3 --chunk-rows 500 --output " + path("np/log.csv"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto ref = generate("--customers 6000 --seed 3 --output " + path("one/log.csv"), 1);
  ASSERT_EQ(ref.exit_code, 0) << ref.output;
  const std::string bytes = slurp(path("np/log.csv"));
  EXPECT_GT(bytes.size(), 6000u * 20);
  EXPECT_EQ(bytes, slurp(path("one/log.csv")));
  auto truth = read_json(path("np/log.csv.truth.json"));
  auto want = read_json(path("one/log.csv.truth.json"));
  for (auto* j : {&truth, &want}) j->erase("log"), j->erase("ingest");  // they name the file
  EXPECT_EQ(truth, want);
  EXPECT_EQ(truth["customers"], 6000);
  // A different seed draws a different log.
  const auto other = generate("--customers 6000 --seed 4 --output " + path("np/other.csv"));
  ASSERT_EQ(other.exit_code, 0) << other.output;
  EXPECT_NE(bytes, slurp(path("np/other.csv")));
}

// The truth comes back: generate -> ingest --calibration-end (the date the truth file names) ->
// clv, every parameter within 3 of clv.json's standard errors.
TEST_F(GenerateTransactions, IngestAndClvRecoverTheTrueParameters) {
  const std::string log = path("recover.csv");
  const auto made = generate("--customers 30000 --seed 5 --output " + log + model_options());
  ASSERT_EQ(made.exit_code, 0) << made.output;
  const auto truth = read_json(log + ".truth.json");
  EXPECT_EQ(truth["calibration_end"], "1997-09-30");
  const auto in = run_custseg("ingest --config " + source_dir() + "/configs/ingest-generated.ini --transactions " + log +
                              " --calibration-end " + truth["calibration_end"].get<std::string>() + " -q --output " +
                              path("recover.h5"));
  ASSERT_EQ(in.exit_code, 0) << in.output;
  const auto fit = run_custseg("clv --input " + path("recover.h5") + " --output " + path("clv") + " -q --overwrite");
  ASSERT_EQ(fit.exit_code, 0) << fit.output;
  const auto j = read_json(path("clv") + "/clv.json");
  EXPECT_EQ(j["bgnbd"]["customers"], 30000);
  const auto check = [&](const char* model, std::span<const std::pair<const char*, double>> params) {
    for (const auto& [name, value] : params) {
      EXPECT_DOUBLE_EQ(truth[model][name].get<double>(), value) << name << ": the truth file holds the option";
      const double est = j[model]["params"][name].get<double>(), se = j[model]["standard_errors"][name].get<double>();
      EXPECT_LT(std::abs(est - value), 3 * se) << model << " " << name << " = " << est << " (se " << se << "), truth " << value;
    }
  };
  check("bgnbd", kBgnbd);
  check("gamma_gamma", kSpend);
}

TEST_F(GenerateTransactions, BadValuesAreUsageErrors) {
  const std::string out = " --output " + path("bad.csv");
  for (const std::string args :
       {"--customers 0", "", "--customers 10 --a 0", "--customers 10 --r -1", "--customers 10 --alpha nan",
        "--customers 10 --gamma inf", "--customers 10 --q 0", "--customers 10 --cohort-weeks 40",
        "--customers 10 --holdout-weeks -1", "--customers 10 --calibration-weeks 0", "--customers 10 --wide",
        "--customers 10 --rows 5"}) {
    const auto r = generate(args + out);
    EXPECT_EQ(r.exit_code, 2) << args << "\n" << r.output;
  }
  const auto without = run_custseg("generate --customers 10 -q --output " + path("bad.h5"));
  EXPECT_EQ(without.exit_code, 2) << without.output;
  EXPECT_NE(without.output.find("--customers applies to --transactions only"), std::string::npos) << without.output;
  EXPECT_FALSE(fs::exists(path("bad.csv")));
  // An existing log is kept unless --overwrite.
  ASSERT_EQ(generate("--customers 10" + out).exit_code, 0);
  EXPECT_EQ(generate("--customers 20" + out).exit_code, 4);
  EXPECT_EQ(read_json(path("bad.csv.truth.json"))["customers"], 10);
}
