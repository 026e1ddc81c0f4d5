// Progress lines (util/progress.hpp): counts with thousands separators, the share done, and a
// linear estimate of the time left, in a form a person reads.
#include <gtest/gtest.h>

#include "custseg/util/progress.hpp"

namespace {

TEST(Progress, LineEstimatesTheTimeLeftLinearly) {
  const custseg::Logger log(0, custseg::Verbosity::quiet);
  const custseg::Progress progress(log, "  parse", 4'000'000'000.0, "bytes");
  // A quarter done in 20 s: three quarters take 60 s more.
  EXPECT_EQ(progress.line(1'000'000'000.0, 20.0),
            "  parse: 1,000,000,000 of 4,000,000,000 bytes (25%), 20.0 s elapsed, ~1 min 00 s left");
  EXPECT_EQ(progress.line(0.0, 1.0), "  parse: 0 of 4,000,000,000 bytes (0%), 1.0 s elapsed");
}

TEST(Progress, DurationsReadAsSecondsMinutesOrHours) {
  EXPECT_EQ(custseg::format_duration(9.4), "9 s");
  EXPECT_EQ(custseg::format_duration(250), "4 min 10 s");
  EXPECT_EQ(custseg::format_duration(3900), "1 h 05 min");
  EXPECT_EQ(custseg::format_duration(-3), "0 s");
}

}  // namespace
