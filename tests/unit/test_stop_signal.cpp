// The stop request (util/stop_signal.hpp): a handler that only records the signal, and the flag
// that travels in the k-means reduction: summed over ranks it must still say whether any rank
// was signalled and which signal (SIGTERM before SIGUSR1).
#include <gtest/gtest.h>

#include <csignal>

#include "custseg/util/stop_signal.hpp"

using namespace custseg;

TEST(StopSignal, FlagSumsKeepWhichSignalArrived) {
  EXPECT_EQ(signal_of_flag_sum(0), 0);
  EXPECT_EQ(signal_of_flag_sum(stop_flag_bits(0) * 5), 0);
  // 3 ranks got SIGUSR1, none SIGTERM.
  EXPECT_EQ(signal_of_flag_sum(3 * stop_flag_bits(SIGUSR1)), SIGUSR1);
  // 1000 ranks with SIGTERM and 2000 with SIGUSR1: the counts do not spill into each other.
  EXPECT_EQ(signal_of_flag_sum(1000 * stop_flag_bits(SIGTERM) + 2000 * stop_flag_bits(SIGUSR1)), SIGTERM);
  EXPECT_EQ(signal_of_flag_sum(1000 * stop_flag_bits(SIGTERM)), SIGTERM);
  EXPECT_EQ(signal_name(SIGTERM), "SIGTERM");
  EXPECT_EQ(signal_name(SIGUSR1), "SIGUSR1");
}

TEST(StopSignal, HandlerRecordsTheSignalInsteadOfTerminating) {
  install_stop_handlers();
  install_stop_handlers();  // idempotent
  ASSERT_EQ(std::raise(SIGUSR1), 0);  // the default action would end this test binary
  EXPECT_EQ(pending_stop_signal(), SIGUSR1);
  ASSERT_EQ(std::raise(SIGTERM), 0);
  EXPECT_EQ(pending_stop_signal(), SIGTERM);
}
