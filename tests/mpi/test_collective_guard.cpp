// One rank fails, every rank must throw the same error (after dune-common's mpiguardtest).
#include <gtest/gtest.h>

#include "custseg/mpi/collective_guard.hpp"
#include "custseg/util/error.hpp"

using namespace custseg;

TEST(CollectiveGuard, NoFailureMeansNoThrow) {
  const mpi::Communicator comm;
  int ran = 0;
  EXPECT_NO_THROW(mpi::agree(comm, [&] { ran = 1; }));
  EXPECT_EQ(ran, 1);
}

TEST(CollectiveGuard, EveryRankThrowsTheFailingRanksErrorAndCode) {
  const mpi::Communicator comm;
  const int failing = comm.size() - 1;  // the last rank: not the root that prints
  try {
    mpi::agree(comm, [&] {
      if (comm.rank() == failing) throw_input("column 'monetary' not found");
    });
    ADD_FAILURE() << "agree() returned although rank " << failing << " failed";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::input);
    EXPECT_NE(std::string(e.what()).find("column 'monetary' not found"), std::string::npos) << e.what();
  }
  // The communicator is still usable afterwards: no rank was left inside a collective.
  EXPECT_EQ(comm.sum(std::int64_t{1}), comm.size());
}

TEST(CollectiveGuard, LowestFailingRankWins) {
  const mpi::Communicator comm;
  try {
    mpi::agree(comm, [&] { throw_output("failure from rank " + std::to_string(comm.rank())); });
    ADD_FAILURE() << "no throw";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::output);
    EXPECT_EQ(std::string(e.what()), "failure from rank 0");
  }
}

TEST(CollectiveGuard, StandardExceptionsBecomeInternalErrors) {
  const mpi::Communicator comm;
  try {
    mpi::agree(comm, [&] {
      if (comm.rank() == 0) throw std::runtime_error("boom");
    });
    ADD_FAILURE() << "no throw";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::internal);
  }
}
