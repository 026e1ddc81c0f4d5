// gtest main for MPI tests: MPI is initialised once for all tests; only rank 0 prints results
// and every failure message carries its rank.
#include <gtest/gtest.h>
#include <mpi.h>

#include "custseg/mpi/communicator.hpp"

namespace {
class RankPrefix : public testing::EmptyTestEventListener {
 public:
  explicit RankPrefix(int rank) : rank_(rank) {}
  void OnTestPartResult(const testing::TestPartResult& r) override {
    if (r.failed()) std::fprintf(stderr, "[rank %d] %s:%d: %s\n", rank_, r.file_name() ? r.file_name() : "?", r.line_number(), r.summary());
  }

 private:
  int rank_;
};
}  // namespace

int main(int argc, char** argv) {
  custseg::mpi::Environment env(argc, argv);
  testing::InitGoogleTest(&argc, argv);
  int rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  auto& listeners = testing::UnitTest::GetInstance()->listeners();
  listeners.Append(new RankPrefix(rank));
  if (rank != 0) delete listeners.Release(listeners.default_result_printer());
  int failed = RUN_ALL_TESTS() != 0 ? 1 : 0;
  // The job fails if any rank failed.
  MPI_Allreduce(MPI_IN_PLACE, &failed, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
  return failed;
}
