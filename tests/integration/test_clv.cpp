// custseg clv (issue 14) as a user runs it: a customer table imported with `ingest --table`, the
// fits identical at every rank count, per-customer columns, and the refusals (exit codes of
// README "Exit codes"). The CDNOW reference values are tested in tests/clv.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <fstream>
#include <random>

#include "cli.hpp"

namespace {

using custseg::testing::run_custseg;
using custseg::testing::scratch_dir;
using custseg::testing::slurp;
using custseg::testing::test_np;

// n customers drawn from BG/NBD (r = 0.5, alpha = 5, a = 0.8, b = 2.5; T uniform in 10..52
// weeks) with gamma-gamma spend (p = 6, q = 4, gamma = 15), as aggregated CSV.
std::string write_customers_csv(const std::filesystem::path& dir, int n, bool with_spend, bool no_repeats = false) {
  std::mt19937_64 gen(2024);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  const auto path = (dir / "customers.csv").string();
  std::ofstream out(path);
  out << "id,frequency,recency,T" << (with_spend ? ",monetary_value" : "") << "\n";
  for (int i = 0; i < n; ++i) {
    const double lambda = std::gamma_distribution<double>(0.5, 1.0 / 5.0)(gen);
    const double u = std::gamma_distribution<double>(0.8, 1.0)(gen), v = std::gamma_distribution<double>(2.5, 1.0)(gen);
    const double T = 10.0 + 42.0 * unit(gen);
    int x = 0;
    double t_x = 0.0;
    for (double t = std::exponential_distribution<double>(lambda)(gen); !no_repeats && t <= T;
         t += std::exponential_distribution<double>(lambda)(gen)) {
      ++x;
      t_x = t;
      if (unit(gen) < u / (u + v)) break;
    }
    const double nu = std::gamma_distribution<double>(4.0, 1.0 / 15.0)(gen);
    double total = 0.0;
    for (int k = 0; k < x; ++k) total += std::gamma_distribution<double>(6.0, 1.0 / nu)(gen);
    out << i + 1 << "," << x << "," << t_x << "," << T;
    if (with_spend) out << "," << (x > 0 ? total / x : 0.0);
    out << "\n";
  }
  return path;
}

std::string ingest(const std::filesystem::path& dir, const std::string& csv) {
  const std::string table = (dir / "customers.h5").string();
  const auto r = run_custseg("ingest --table " + csv + " --id-column id --output " + table, 1);
  EXPECT_EQ(r.exit_code, 0) << r.output;
  return table;
}

nlohmann::json fits_of(const std::filesystem::path& out) { return nlohmann::json::parse(slurp(out / "clv.json")); }

}  // namespace

TEST(CliClv, FitsAreTheSameAtAnyRankCountAndCoverEveryCustomer) {
  const auto dir = scratch_dir("clv-fit");
  const std::string table = ingest(dir, write_customers_csv(dir, 3000, true));
  const auto here = run_custseg("clv --input " + table + " --output " + (dir / "here").string() + " --horizon 26");
  ASSERT_EQ(here.exit_code, 0) << here.output;
  const auto one = run_custseg("clv --input " + table + " --output " + (dir / "one").string() + " --horizon 26", 1);
  ASSERT_EQ(one.exit_code, 0) << one.output;
  const auto a = fits_of(dir / "here"), b = fits_of(dir / "one");
  // The JSON numbers round-trip doubles: equal text is equal bits.
  EXPECT_EQ(a["bgnbd"]["params"].dump(), b["bgnbd"]["params"].dump());
  EXPECT_EQ(a["gamma_gamma"]["params"].dump(), b["gamma_gamma"]["params"].dump());
  EXPECT_EQ(a["bgnbd"]["log_likelihood"].dump(), b["bgnbd"]["log_likelihood"].dump());
  EXPECT_TRUE(a["bgnbd"]["converged"].get<bool>());
  EXPECT_EQ(a["bgnbd"]["customers"].get<int>(), 3000);
  EXPECT_EQ(a["gamma_gamma"]["customers"].get<int>() + a["gamma_gamma"]["excluded"].get<int>(), 3000);
  EXPECT_EQ(a["horizon"].get<double>(), 26.0);
  // clv.h5 holds the three per-customer columns, 3000 rows each (h5dump: the dataspace lines).
  const auto dump = custseg::testing::run_shell("h5dump -H " + (dir / "here" / "clv.h5").string());
  for (const char* column : {"p_alive", "expected_purchases", "expected_spend"})
    EXPECT_NE(dump.output.find(std::string("DATASET \"") + column + "\""), std::string::npos) << dump.output;
  EXPECT_NE(dump.output.find("( 3000 )"), std::string::npos) << dump.output;
}

TEST(CliClv, WithoutASpendColumnOnlyBgnbd) {
  const auto dir = scratch_dir("clv-nospend");
  const std::string table = ingest(dir, write_customers_csv(dir, 500, false));
  const auto r = run_custseg("clv --input " + table + " --output " + (dir / "out").string());
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("gamma-gamma: skipped"), std::string::npos) << r.output;
  EXPECT_FALSE(fits_of(dir / "out").contains("gamma_gamma"));
}

TEST(CliClv, RefusesUnidentifiableDataAndBadUsage) {
  const auto dir = scratch_dir("clv-refuse");
  const std::string table = ingest(dir, write_customers_csv(dir, 200, true, /*no_repeats=*/true));
  const auto none = run_custseg("clv --input " + table + " --output " + (dir / "out").string());
  EXPECT_EQ(none.exit_code, 3) << none.output;
  EXPECT_NE(none.output.find("none of the 200 customers made a repeat purchase"), std::string::npos) << none.output;
  EXPECT_FALSE(std::filesystem::exists(dir / "out" / "clv.json"));
  const auto column = run_custseg("clv --input " + table + " --output " + (dir / "out2").string() +
                                  " --recency-column weeks_since_first");
  EXPECT_EQ(column.exit_code, 3) << column.output;
  EXPECT_NE(column.output.find("weeks_since_first"), std::string::npos) << column.output;
  const auto usage = run_custseg("clv --output " + (dir / "out3").string());
  EXPECT_EQ(usage.exit_code, 2) << usage.output;
  EXPECT_NE(usage.output.find("--input is required"), std::string::npos) << usage.output;
}
