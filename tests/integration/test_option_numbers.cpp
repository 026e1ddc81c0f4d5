// Numbers and words on the command line that custseg used to accept silently (docs/input-errors.md):
// a negative value of an unsigned option (Boost wraps "-1" to 18446744073709551615), in every job
// and in an INI file, and a positional argument (no job takes any). Each is a usage error (exit 2)
// naming the option or the word, printed once, on every rank count.
#include <gtest/gtest.h>

#include <fstream>

#include "cli.hpp"

using namespace custseg::testing;
namespace fs = std::filesystem;

namespace {

class OptionNumbers : public GeneratedTable<OptionNumbers> {
 public:
  static constexpr const char* kScratchName = "option-numbers";
  static std::string generate_args() { return "--rows 500 --seed 1"; }

 protected:
  static std::string out(const std::string& name) { return (dir_ / name).string(); }

  static void expect_usage(const std::string& args, const std::string& message) {
    const auto r = run_custseg(args, test_np(), 60);
    EXPECT_EQ(r.exit_code, 2) << args << "\n" << r.output;
    EXPECT_NE(r.output.find(message), std::string::npos) << "expected '" << message << "' in:\n" << r.output;
    std::size_t errors = 0;
    for (std::size_t p = r.output.find("error:"); p != std::string::npos; p = r.output.find("error:", p + 1)) ++errors;
    EXPECT_EQ(errors, 1U) << "one message, from rank 0 only:\n" << r.output;
    EXPECT_EQ(r.output.find("HDF5"), std::string::npos) << r.output;
  }
};

TEST_F(OptionNumbers, NegativeUnsignedOptionsAreRefusedInEveryJob) {
  const std::string in = " --input " + table();
  const struct {
    std::string args, message;
  } cases[] = {
      {"segment --seed -1 --k 3" + in + " --output " + out("s1"), "--seed must not be negative (got -1)"},
      {"sweep --seed -7 --k 2:3" + in + " --output " + out("s2"), "--seed must not be negative (got -7)"},
      {"generate --rows -5 --output " + out("g1.h5"), "--rows must not be negative (got -5)"},
      {"generate --seed -1 --output " + out("g2.h5"), "--seed must not be negative (got -1)"},
      {"generate --chunk-size -3 --output " + out("g3.h5"), "--chunk-size must not be negative (got -3)"},
      {"ingest --read-block-bytes -1 --table x.csv --id-column id --output " + out("i.h5"),
       "--read-block-bytes must not be negative (got -1)"},
  };
  for (const auto& c : cases) expect_usage(c.args, c.message);
  EXPECT_FALSE(fs::exists(out("g1.h5")));
}

TEST_F(OptionNumbers, ZeroRowsIsAUsageError) {
  expect_usage("generate --rows 0 --output " + out("g0.h5"), "--rows must be at least 1");
  EXPECT_FALSE(fs::exists(out("g0.h5")));
}

TEST_F(OptionNumbers, NumbersTooLargeForTheOptionAreRefused) {
  expect_usage("generate --rows 99999999999999999999 --output " + out("g4.h5"), "--rows");
}

TEST_F(OptionNumbers, NegativeValuesInAnIniFileAreRefused) {
  const std::string ini = out("negative.ini");
  std::ofstream(ini) << "seed = -2\n";
  expect_usage("segment --config " + ini + " --k 3 --input " + table() + " --output " + out("s3"),
               "--seed must not be negative (got -2)");
}

TEST_F(OptionNumbers, PositionalArgumentsAreNamed) {
  expect_usage("segment foo", "unexpected argument 'foo'");
  expect_usage("segment --k 3 --input " + table() + " --output " + out("s4") + " extra", "unexpected argument 'extra'");
  expect_usage("generate --rows 10 bar --output " + out("g5.h5"), "unexpected argument 'bar'");
  expect_usage("compare baz", "unexpected argument 'baz'");
  expect_usage("score qux", "unexpected argument 'qux'");
  EXPECT_FALSE(fs::exists(out("s4") + "/results.h5"));
}

}  // namespace
