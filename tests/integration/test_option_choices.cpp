// --algorithm, --precision and --nan-policy are parsed once into enums (config/choices.hpp): a
// misspelt name is a usage error (exit 2) naming the valid values, on the command line and in an
// INI file alike, never silently the default. And the names are accepted where documented.
#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "cli.hpp"

using namespace custseg::testing;

namespace {

void expect_usage_error(const std::string& args, const std::string& message) {
  const RunResult r = run_custseg(args);
  EXPECT_EQ(r.exit_code, 2) << args << "\n" << r.output;
  EXPECT_NE(r.output.find(message), std::string::npos) << args << "\n" << r.output;
}

// Required options are given (and need not exist): the bad name must fail before anything is read.
const std::string kSegment = "segment --input missing.h5 --output unused --k 3";
const std::string kSweep = "sweep --input missing.h5 --output unused --k 2:3";

}  // namespace

TEST(OptionChoices, MisspeltPrecisionIsAUsageError) {
  expect_usage_error(kSegment + " --precision flaot64", "--precision must be float32 or float64 (got 'flaot64')");
  expect_usage_error(kSweep + " --precision double", "--precision must be float32 or float64 (got 'double')");
  expect_usage_error("bench --rows 100 --precision f16", "--precision must be float32 or float64 (got 'f16')");
}

TEST(OptionChoices, MisspeltNanPolicyIsAUsageErrorNotFail) {
  expect_usage_error(kSegment + " --nan-policy dorp", "--nan-policy must be fail or drop (got 'dorp')");
  expect_usage_error(kSweep + " --nan-policy Drop", "--nan-policy must be fail or drop (got 'Drop')");
}

TEST(OptionChoices, MisspeltAlgorithmIsAUsageError) {
  const std::string valid = "--algorithm must be lloyd, hamerly, yinyang or auto";
  expect_usage_error(kSegment + " --algorithm hammerly", valid + " (got 'hammerly')");
  expect_usage_error(kSweep + " --algorithm elkan", valid + " (got 'elkan')");
  expect_usage_error("bench --rows 100 --algorithms lloyd,yinyan", valid + " (got 'yinyan')");
}

TEST(OptionChoices, MisspeltNameInAnIniFileIsAUsageError) {
  const auto dir = scratch_dir("option-choices-ini");
  const auto ini = dir / "bad.ini";
  std::ofstream(ini) << "k = 3\nnan-policy = fail\nprecision = float23\n";
  expect_usage_error("segment --input missing.h5 --output unused --config " + ini.string(),
                     "--precision must be float32 or float64 (got 'float23')");
  std::filesystem::remove_all(dir);
}

// sweep shares segment's data and fit options, so the names work there too (and float64 and an
// accelerated step give a complete sweep).
TEST(OptionChoices, SweepAcceptsPrecisionAndAlgorithm) {
  const auto dir = scratch_dir("option-choices-sweep");
  const std::string table = (dir / "customers.h5").string();
  const RunResult gen = run_custseg("generate --rows 3000 --seed 5 --quiet --output " + table);
  ASSERT_EQ(gen.exit_code, 0) << gen.output;
  const RunResult r = run_custseg("sweep --input " + table + " --output " + (dir / "out").string() +
                                  " --k 2:3 --restarts 2 --precision float64 --algorithm hamerly --nan-policy drop"
                                  " --silhouette-sample 500 --quiet");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(std::filesystem::exists(dir / "out" / "sweep.csv"));
  EXPECT_NE(slurp(dir / "out" / "report.json").find("\"nan_policy\": \"drop\""), std::string::npos);
  std::filesystem::remove_all(dir);
}

// generate --period 2 --drift: the drift model is meant for 0..5 (at 5 every loyal and bargain
// customer lapses); drift 100 produced recency 65,274 days and monetary 1.9e15, so beyond 5 is refused.
TEST(OptionChoices, DriftBeyondTheModelsRangeIsAUsageError) {
  const std::string gen = "generate --rows 200 --seed 5 --period 2 --output ";
  expect_usage_error(gen + "unused.h5 --drift 100", "--drift must be between 0 and 5 (got 100)");
  expect_usage_error(gen + "unused.h5 --drift 5.01", "--drift must be between 0 and 5 (got 5.01)");
  expect_usage_error(gen + "unused.h5 --drift=-1", "--drift must be between 0 and 5 (got -1)");
  const auto dir = scratch_dir("drift-bound");
  const RunResult at_bound = run_custseg(gen + (dir / "drift5.h5").string() + " --drift 5 -q");
  EXPECT_EQ(at_bound.exit_code, 0) << at_bound.output;
  std::filesystem::remove_all(dir);
}
