#include <gtest/gtest.h>

#include "custseg/io/partition.hpp"

using custseg::io::block_for_rank;
using custseg::io::chunk_count;
using custseg::io::chunk_of;
using custseg::io::RowBlock;

TEST(Partition, BlocksCoverAllRowsContiguouslyAndEvenly) {
  for (std::uint64_t n : {0ULL, 1ULL, 2ULL, 3ULL, 7ULL, 10ULL, 1000003ULL}) {
    for (int p = 1; p <= 7; ++p) {
      std::uint64_t next = 0, smallest = n, largest = 0;
      for (int r = 0; r < p; ++r) {
        const RowBlock b = block_for_rank(n, r, p);
        EXPECT_EQ(b.begin, next) << "n=" << n << " p=" << p << " r=" << r;
        next = b.end();
        smallest = std::min(smallest, b.count);
        largest = std::max(largest, b.count);
      }
      EXPECT_EQ(next, n);
      EXPECT_LE(largest - smallest, 1U);
      EXPECT_EQ(block_for_rank(n, 0, p).count, largest) << "rank 0 must hold the largest block";
    }
  }
}

TEST(Partition, MoreRanksThanRowsGivesEmptyBlocks) {
  EXPECT_EQ(block_for_rank(2, 2, 4).count, 0U);
  EXPECT_EQ(block_for_rank(2, 3, 4).count, 0U);
  EXPECT_EQ(block_for_rank(2, 1, 4).begin, 1U);
}

TEST(Partition, ChunksSplitABlock) {
  const RowBlock b{100, 25};
  EXPECT_EQ(chunk_count(b.count, 10), 3U);
  EXPECT_EQ(chunk_of(b, 10, 0).begin, 100U);
  EXPECT_EQ(chunk_of(b, 10, 2).begin, 120U);
  EXPECT_EQ(chunk_of(b, 10, 2).count, 5U);
  EXPECT_EQ(chunk_of(b, 10, 3).count, 0U) << "past the end: an empty chunk for collective calls";
}
