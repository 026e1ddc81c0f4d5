// The version rule of results.h5 (model_format.hpp): this build reads any 1.x, refuses a newer
// major version and anything that is not MAJOR.MINOR or not a custseg results file.
#include <gtest/gtest.h>

#include "custseg/io/model_format.hpp"
#include "custseg/util/error.hpp"

using custseg::Error;
using custseg::ExitCode;
namespace io = custseg::io;

namespace {

// The exit code and message of what `work` throws.
template <class Work>
std::pair<ExitCode, std::string> failure(Work&& work) {
  try {
    work();
  } catch (const Error& e) {
    return {e.code(), e.what()};
  }
  return {ExitCode::ok, ""};
}

}  // namespace

TEST(ModelFormat, ThisBuildWritesOnePointZero) { EXPECT_EQ(io::current_format_version(), "1.0"); }

TEST(ModelFormat, ReadsEveryMinorVersionOfItsMajor) {
  EXPECT_EQ(io::check_model_format("custseg-results", "1.0", "m.h5").minor, 0);
  const io::FormatVersion v = io::check_model_format("custseg-results", "1.12", "m.h5");
  EXPECT_EQ(v.major, 1);
  EXPECT_EQ(v.minor, 12);
}

TEST(ModelFormat, RefusesANewerMajorVersionNamingBoth) {
  const auto [code, message] = failure([] { io::check_model_format("custseg-results", "2.0", "run/results.h5"); });
  EXPECT_EQ(code, ExitCode::input);
  EXPECT_EQ(message, "run/results.h5 was written by a newer custseg: format 2.0, this build reads 1.x");
}

TEST(ModelFormat, RefusesOtherFormatsAndMalformedVersions) {
  EXPECT_EQ(failure([] { io::check_model_format("pandas", "1.0", "t.h5"); }).first, ExitCode::input);
  for (const char* bad : {"", "1", "1.", ".0", "1.0.0", "v1.0", "1.x", "-1.0", "0.9"})
    EXPECT_EQ(failure([&] { io::check_model_format("custseg-results", bad, "m.h5"); }).first, ExitCode::input) << bad;
}
