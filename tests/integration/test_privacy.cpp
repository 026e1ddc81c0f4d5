// Privacy (docs/privacy.md): --pseudonymize-ids writes HMAC-SHA256 pseudonyms that Python's hmac
// module reproduces, refuses key files that are no secret, and never lets the key out;
// --consent-column gives exactly the results of the table without the excluded rows, in memory and
// streamed; and no log, message or output but the assignments ever holds a customer id.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <tuple>
#include <vector>

#include "cli.hpp"

namespace custseg::testing {
namespace {

const char* kFeatures = " --features recency_days,frequency,monetary";
const char* kLogColumns = " --id-column 'Customer ID' --invoice-column Invoice --date-column InvoiceDate "
                          "--quantity-column Quantity --price-column Price --country-column Country";

class Privacy : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = scratch_dir("privacy");
    const auto made = run_shell(helper() + "make " + dir_.string());
    ASSERT_EQ(made.exit_code, 0) << made.output;
    // The plain tables the jobs read (ingest without a key keeps the ids: the inputs of the suite).
    for (const char* name : {"table", "text", "consenting", "badconsent"}) {
      const auto r = run_custseg("ingest -q --table " + in(std::string(name) + ".csv") + " --id-column customer_id --output " +
                                 in(std::string(name) + ".h5"), 1);
      ASSERT_EQ(r.exit_code, 0) << r.output;
    }
    for (const char* edit : {"repeat", "negative"}) {
      const auto r = run_shell(helper() + edit + " " + in("table.h5") + " " + in(std::string(edit) + ".h5"));
      ASSERT_EQ(r.exit_code, 0) << r.output;
    }
  }
  static void TearDownTestSuite() { std::filesystem::remove_all(dir_); }

  static std::string helper() { return "/usr/bin/python3 " + source_dir() + "/tests/integration/privacy_data.py "; }
  static std::string in(const std::string& name) { return (dir_ / "in" / name).string(); }
  static std::string out(const std::string& name) { return (dir_ / "out" / name).string(); }
  static std::string key() { return in("key"); }

  // `custseg ARGS`, its output kept in out/logs/NAME.log for the grep.
  static RunResult logged(const std::string& name, const std::string& args) {
    std::filesystem::create_directories(dir_ / "out" / "logs");
    const RunResult r = run_custseg(args);
    std::ofstream(dir_ / "out" / "logs" / (name + ".log")) << r.output;
    return r;
  }
  static std::string digest(const std::string& results) {
    const auto r = run_shell("/usr/bin/python3 " + source_dir() + "/tests/golden/h5digest.py " + results);
    EXPECT_EQ(r.exit_code, 0) << r.output;
    return r.output;
  }
  static std::string excluded() { return run_shell(helper() + "excluded " + in("table.csv") + " consent").output; }

  static inline std::filesystem::path dir_;
};

TEST_F(Privacy, IngestWritesTheHmacOfEachIdThatPythonComputes) {
  ASSERT_EQ(logged("ingest-numbers", "ingest --table " + in("table.csv") + " --id-column customer_id --pseudonymize-ids " +
                                         key() + " --output " + out("numbers.h5")).exit_code, 0);
  ASSERT_EQ(logged("ingest-strings", "ingest --table " + in("text.csv") + " --id-column customer_id --pseudonymize-ids " +
                                         key() + " --output " + out("strings.h5")).exit_code, 0);
  ASSERT_EQ(logged("ingest-log", "ingest --transactions " + in("log.csv") + kLogColumns + " --pseudonymize-ids " + key() +
                                     " --output " + out("log.h5")).exit_code, 0);
  for (const auto& [h5, csv, column, order] :
       {std::tuple{"numbers.h5", "table.csv", "customer_id", ""}, std::tuple{"strings.h5", "text.csv", "customer_id", ""},
        std::tuple{"log.h5", "log.csv", "'Customer ID'", "sorted"}}) {
    const auto check = run_shell(helper() + "hmac " + key() + " " + out(h5) + " " + in(csv) + " " + column + " " + order);
    EXPECT_EQ(check.exit_code, 0) << h5 << ": " << check.output;
  }
  // The pseudonymized table is an ordinary input: segment reads its text ids.
  const auto seg = logged("segment-pseudonymized", "segment --input " + out("numbers.h5") + " --output " + out("run-pseudo") +
                                                       " --k 3 --seed 5" + kFeatures);
  EXPECT_EQ(seg.exit_code, 0) << seg.output;
}

TEST_F(Privacy, KeyFilesThatAreNoSecretAreRefusedBeforeAnythingIsWritten) {
  std::filesystem::create_directories(dir_ / "in" / "key-dir");
  for (const std::string& bad : {in("key-open"), in("key-empty"), in("no-such-key"), in("key-dir")}) {
    const std::string name = std::filesystem::path(bad).filename().string();
    std::vector<std::string> jobs{"ingest --table " + in("table.csv") + " --id-column customer_id --output " +
                                  out("refused-" + name + ".h5")};
    // Every job loads the key the same way (Pseudonymizer::from_key_file): segment once suffices.
    if (name == "key-open") jobs.push_back("segment --input " + in("table.h5") + " --k 3" + kFeatures + " --output " + out("refused-" + name));
    for (const std::string& job : jobs) {
      const auto r = logged("refused-" + name + "-" + job.substr(0, job.find(' ')), job + " --pseudonymize-ids " + bad);
      EXPECT_EQ(r.exit_code, 2) << job << "\n" << r.output;
      EXPECT_NE(r.output.find("--pseudonymize-ids key file " + bad + ": "), std::string::npos) << r.output;
    }
    EXPECT_FALSE(std::filesystem::exists(out("refused-" + name + ".h5")));
    EXPECT_FALSE(std::filesystem::exists(out("refused-" + name) + "/results.h5"));
  }
}

TEST_F(Privacy, ConsentExcludesCustomersExactlyAsIfTheirRowsWereRemoved) {
  const std::string n = excluded().substr(0, excluded().find('\n'));
  const std::string fit = " --k 3 --seed 5" + std::string(kFeatures);
  ASSERT_EQ(logged("segment-consenting", "segment --input " + in("consenting.h5") + " --output " + out("consenting") + fit)
                .exit_code, 0);
  const auto memory = logged("segment-consent", "segment --input " + in("table.h5") + " --consent-column consent --output " +
                                                    out("consent") + fit);
  ASSERT_EQ(memory.exit_code, 0) << memory.output;
  EXPECT_NE(memory.output.find(n + " customers excluded: no consent (column consent)"), std::string::npos)
      << n << "\n" << memory.output;
  // Streamed: room for the per-row vectors (32 bytes a row) and a few KiB, several chunks a rank.
  const int rows = 3000 - std::stoi(n);
  const std::string limit = std::to_string((rows / test_np() + 1) * 32 + 4096);
  const auto streamed = logged("segment-consent-streamed", "segment --input " + in("table.h5") +
                                                               " --consent-column consent --memory-limit " + limit +
                                                               " --output " + out("consent-streamed") + fit);
  ASSERT_EQ(streamed.exit_code, 0) << streamed.output;
  EXPECT_NE(streamed.output.find("features stream from the input"), std::string::npos) << streamed.output;
  const std::string reference = digest(out("consenting/results.h5"));
  EXPECT_EQ(digest(out("consent/results.h5")), reference);
  EXPECT_EQ(digest(out("consent-streamed/results.h5")), reference);
  // Scoring the same model: the same scores as for the table without the excluded rows.
  const std::string model = " --model " + out("consenting/results.h5");
  ASSERT_EQ(logged("score-consenting", "score" + model + " --input " + in("consenting.h5") + " --output " +
                                           out("score-consenting")).exit_code, 0);
  const auto scored = logged("score-consent", "score" + model + " --input " + in("table.h5") +
                                                  " --consent-column consent --output " + out("score-consent"));
  ASSERT_EQ(scored.exit_code, 0) << scored.output;
  EXPECT_EQ(digest(out("score-consent/results.h5")), digest(out("score-consenting/results.h5")));
}

TEST_F(Privacy, AConsentValueOtherThanZeroOrOneIsAnInputErrorNamingTheColumn) {
  const auto r = logged("segment-badconsent", "segment --input " + in("badconsent.h5") + " --consent-column consent --k 3" +
                                                  kFeatures + " --output " + out("badconsent"));
  EXPECT_EQ(r.exit_code, 3) << r.output;
  EXPECT_NE(r.output.find("--consent-column 'consent' of " + in("badconsent.h5") + ": row 17 holds a value that is neither 0 nor 1"),
            std::string::npos) << r.output;
  const auto missing = logged("segment-noconsent", "segment --input " + in("table.h5") + " --consent-column opt_in --k 3" +
                                                       kFeatures + " --output " + out("noconsent"));
  EXPECT_EQ(missing.exit_code, 3) << missing.output;
  EXPECT_NE(missing.output.find("opt_in"), std::string::npos) << missing.output;
  EXPECT_FALSE(std::filesystem::exists(out("badconsent/results.h5")));
}

// Every job's typical commands, failing ones included; then every log and every output but the
// assignments is searched for the test data's ids, and every file for the key.
TEST_F(Privacy, NoLogMessageOrOutputButTheAssignmentsHoldsACustomerIdOrTheKey) {
  const std::string fit = " --k 3 --seed 5" + std::string(kFeatures);
  const std::string k = " --pseudonymize-ids " + key();
  EXPECT_EQ(logged("g-ingest", "ingest --table " + in("table.csv") + " --id-column customer_id" + k + " --output " + out("g.h5")).exit_code, 0);
  EXPECT_EQ(logged("g-ingest-log", "ingest --transactions " + in("log.csv") + kLogColumns + k + " --output " + out("g-log.h5")).exit_code, 0);
  EXPECT_EQ(logged("g-ingest-plain", "ingest --table " + in("table.csv") + " --id-column customer_id -v --output " + in("plain.h5")).exit_code, 0);
  EXPECT_EQ(logged("g-segment-a", "segment -v --input " + in("table.h5") + " --output " + out("g-a") + fit).exit_code, 0);
  EXPECT_EQ(logged("g-segment-b", "segment -v --input " + in("table.h5") + " --consent-column consent --output " + out("g-b") +
                                      fit + " --previous " + out("g-a/results.h5")).exit_code, 0);
  EXPECT_EQ(logged("g-segment-text", "segment -v --input " + in("text.h5") + " --output " + out("g-text") + fit).exit_code, 0);
  EXPECT_EQ(logged("g-score", "score -v --model " + out("g-a/results.h5") + " --input " + in("table.h5") + " --output " + out("g-score")).exit_code, 0);
  EXPECT_EQ(logged("g-sweep", "sweep -v --input " + in("table.h5") + " --k 2:3 --consent-column consent --output " + out("g-sweep") +
                                  kFeatures).exit_code, 0);
  EXPECT_EQ(logged("g-compare", "compare -v --previous " + out("g-a/results.h5") + " --current " + out("g-score/results.h5") +
                                    " --output " + out("g-compare")).exit_code, 0);
  // A run with consent against one without: compare reads each run's table through the consent
  // column the run recorded, so the excluded customers are exactly the lost ones.
  const std::string n = excluded().substr(0, excluded().find('\n'));
  const auto moved = logged("g-compare-consent", "compare -v --previous " + out("g-a/results.h5") + " --current " +
                                                     out("g-b/results.h5") + " --output " + out("g-compare-consent"));
  EXPECT_EQ(moved.exit_code, 0) << moved.output;
  EXPECT_NE(moved.output.find("customers in both " + std::to_string(3000 - std::stoi(n)) + ", new 0, lost " + n),
            std::string::npos) << moved.output;
  // Failing runs: each names rows or lines, never the id.
  EXPECT_EQ(logged("f-ingest-dup", "ingest --table " + in("dup.csv") + " --id-column customer_id --output " + out("f1.h5")).exit_code, 3);
  EXPECT_EQ(logged("f-ingest-badid", "ingest --table " + in("badid.csv") + " --id-column customer_id --output " + out("f2.h5")).exit_code, 3);
  EXPECT_EQ(logged("f-ingest-badlog", "ingest --transactions " + in("badlog.csv") + kLogColumns + " --output " + out("f3.h5")).exit_code, 3);
  EXPECT_EQ(logged("f-segment-negative", "segment --input " + in("negative.h5") + " --output " + out("f4") + fit).exit_code, 3);
  const auto dup = logged("f-segment-dup", "segment --input " + in("repeat.h5") + " --output " + out("f5") + fit + k);
  EXPECT_EQ(dup.exit_code, 3) << dup.output;
  // With the key, the repeated id (row 20's, 777000000 + 331 * 20) is named by its pseudonym.
  const std::string pseudonym = run_shell(helper() + "pseudonym " + key() + " 777006620").output.substr(0, 64);
  EXPECT_NE(dup.output.find("rows 20 and 50 (the first repeat; its pseudonym " + pseudonym + ")"), std::string::npos)
      << pseudonym << "\n" << dup.output;
  EXPECT_EQ(logged("f-segment-dup-allowed", "segment --input " + in("repeat.h5") + " --allow-duplicate-ids true --output " +
                                                out("f-dup") + fit).exit_code, 0);
  EXPECT_EQ(logged("f-compare-dup", "compare --previous " + out("f-dup/results.h5") + " --current " + out("g-a/results.h5") +
                                        " --output " + out("f6") + k).exit_code, 3);
  const auto grep = run_shell(helper() + "grep " + (dir_ / "out").string() + " " + in("ids.txt") + " " + key());
  EXPECT_EQ(grep.exit_code, 0) << grep.output;
  // The search finds what it looks for: a plain table holds ids outside any /assignments, and a
  // results.h5 holds them only there.
  std::filesystem::create_directories(dir_ / "probe");
  std::filesystem::copy_file(in("table.h5"), dir_ / "probe" / "table.h5");
  const auto probe = run_shell(helper() + "grep " + (dir_ / "probe").string() + " " + in("ids.txt") + " " + key());
  EXPECT_NE(probe.exit_code, 0);
  EXPECT_NE(probe.output.find("customer ids in customers/customer_id"), std::string::npos) << probe.output;
  std::filesystem::remove(dir_ / "probe" / "table.h5");
  std::filesystem::copy_file(out("g-a/results.h5"), dir_ / "probe" / "results.h5");
  const auto results = run_shell(helper() + "grep " + (dir_ / "probe").string() + " " + in("ids.txt") + " " + key());
  EXPECT_EQ(results.exit_code, 0) << results.output;
}

}  // namespace
}  // namespace custseg::testing
