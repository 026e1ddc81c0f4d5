// A failing MPI call is an MpiError (a custseg::Error, so agree() carries it to every rank) with
// the internal exit code and the call's name; counts that do not fit MPI's int are refused.
#include <gtest/gtest.h>

#include <climits>
#include <vector>

#include "custseg/mpi/collective_guard.hpp"
#include "custseg/mpi/communicator.hpp"
#include "custseg/util/error.hpp"

using namespace custseg;

TEST(MpiErrors, AnInvalidCallThrowsMpiErrorNamingIt) {
  const mpi::Communicator comm;
  std::vector<double> values(1, 0.0);
  // Every rank makes the same invalid call (a root that does not exist): MPI refuses it locally,
  // so no rank is left inside a collective.
  try {
    comm.broadcast(values, comm.size());
    ADD_FAILURE() << "MPI accepted root " << comm.size();
  } catch (const MpiError& e) {
    EXPECT_EQ(e.code(), ExitCode::internal);
    EXPECT_NE(std::string(e.what()).find("MPI_Bcast failed"), std::string::npos) << e.what();
  }
  EXPECT_EQ(comm.sum(std::int64_t{1}), comm.size());
}

TEST(MpiErrors, OneRanksMpiFailureIsAgreedOnEveryRank) {
  const mpi::Communicator comm;
  const int failing = comm.size() - 1;
  std::vector<double> values(1, 0.0);
  try {
    mpi::agree(comm, [&] {
      if (comm.rank() == failing) comm.broadcast(values, comm.size());
    });
    ADD_FAILURE() << "agree() returned although rank " << failing << " failed";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::internal);
    EXPECT_NE(std::string(e.what()).find("MPI_Bcast failed"), std::string::npos) << e.what();
  }
}

TEST(MpiErrors, CountsBeyondIntAreRefused) {
  EXPECT_EQ(mpi::checked_count(static_cast<std::size_t>(INT_MAX), "test"), INT_MAX);
  EXPECT_THROW((void)mpi::checked_count(static_cast<std::size_t>(INT_MAX) + 1, "test"), MpiError);
  // Each part fits, their sum does not: the displacement of the last part would wrap.
  EXPECT_THROW((void)mpi::displacements({INT_MAX, 1}, "test"), MpiError);
  EXPECT_EQ(mpi::displacements({3, 0, 4}, "test"), (std::vector<int>{0, 3, 3}));
}
