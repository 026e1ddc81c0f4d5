// alltoallv_bytes in rounds: the bytes each rank receives do not depend on the round size
// (large shuffles move in rounds within MPI's int counts).
#include <gtest/gtest.h>

#include "custseg/mpi/alltoallv.hpp"

using namespace custseg;

namespace {

// What rank `from` sends to rank `to`: a length and content that differ for every pair, some
// pairs empty, so rounds end at different times for different pairs.
std::vector<char> payload(int from, int to) {
  const std::size_t n = static_cast<std::size_t>((from * 7 + to * 13) % 11) * 37 + (from == to ? 0 : 5);
  std::vector<char> bytes(n);
  for (std::size_t i = 0; i < n; ++i) bytes[i] = static_cast<char>((i * 31 + static_cast<std::size_t>(from) * 17 + static_cast<std::size_t>(to)) & 0x7f);
  return bytes;
}

}  // namespace

TEST(AlltoallvRounds, EverySenderPartArrivesWholeWhateverTheRoundSize) {
  const mpi::Communicator comm;
  std::vector<std::vector<char>> to_rank;
  for (int r = 0; r < comm.size(); ++r) to_rank.push_back(payload(comm.rank(), r));
  for (const std::uint64_t round : {std::uint64_t{1}, std::uint64_t{3}, std::uint64_t{64}, UINT64_MAX}) {
    const mpi::ReceivedBytes got = mpi::alltoallv_bytes(comm, to_rank, round);
    ASSERT_EQ(got.offsets.size(), static_cast<std::size_t>(comm.size()) + 1);
    for (int from = 0; from < comm.size(); ++from) {
      const std::vector<char> expected = payload(from, comm.rank());
      const std::vector<char> part(got.bytes.begin() + static_cast<std::ptrdiff_t>(got.offsets[static_cast<std::size_t>(from)]),
                                   got.bytes.begin() + static_cast<std::ptrdiff_t>(got.offsets[static_cast<std::size_t>(from) + 1]));
      EXPECT_EQ(part, expected) << "from rank " << from << ", round size " << round;
    }
  }
}

TEST(AlltoallvRounds, NothingToSendAnywhere) {
  const mpi::Communicator comm;
  const mpi::ReceivedBytes got = mpi::alltoallv_bytes(comm, std::vector<std::vector<char>>(static_cast<std::size_t>(comm.size())), 4);
  EXPECT_TRUE(got.bytes.empty());
}
