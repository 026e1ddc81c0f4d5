// Sizing of the streamed k-means input (--memory-limit).
#include <gtest/gtest.h>

#include "custseg/data/streaming_plan.hpp"
#include "custseg/io/partition.hpp"
#include "custseg/util/byte_size.hpp"
#include "custseg/util/error.hpp"

using custseg::Error;
using custseg::ExitCode;
using custseg::parse_byte_size;
using custseg::data::FeatureMatrix;
using custseg::data::kPerRowBytes;
using custseg::data::Precision;
using custseg::data::streaming_chunk_rows;

TEST(ByteSize, AcceptsPlainBytesAndBinarySuffixes) {
  EXPECT_EQ(parse_byte_size("0", "--x"), 0u);
  EXPECT_EQ(parse_byte_size("1048576", "--x"), 1048576u);
  EXPECT_EQ(parse_byte_size("64k", "--x"), 64u << 10);
  EXPECT_EQ(parse_byte_size("64K", "--x"), 64u << 10);
  EXPECT_EQ(parse_byte_size("512M", "--x"), 512ull << 20);
  EXPECT_EQ(parse_byte_size("2G", "--x"), 2ull << 30);
  EXPECT_EQ(parse_byte_size("2GiB", "--x"), 2ull << 30);
  EXPECT_EQ(parse_byte_size("2GB", "--x"), 2ull << 30);
  EXPECT_EQ(parse_byte_size("1T", "--x"), 1ull << 40);
}

TEST(ByteSize, RejectsAnythingElseAsAUsageErrorNamingTheOption) {
  for (const char* bad : {"", "G", "-1", "1.5G", "2Q", "2 G", "99999999999999999999", "20000000000T"}) {
    try {
      (void)parse_byte_size(bad, "--memory-limit");
      ADD_FAILURE() << "accepted '" << bad << "'";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ExitCode::usage) << bad;
      EXPECT_NE(std::string(e.what()).find("--memory-limit"), std::string::npos) << e.what();
    }
  }
}

TEST(StreamingChunkRows, NoLimitOrABlockThatFitsStaysInMemory) {
  EXPECT_EQ(streaming_chunk_rows(0, 100'000'000, 2, 16, Precision::float32), 0u);
  // 1000 rows x 8 features: (8 x 12 + 32) bytes a row = 128 KB in memory.
  EXPECT_EQ(streaming_chunk_rows(1'000'000, 1000, 1, 8, Precision::float32), 0u);
  EXPECT_EQ(streaming_chunk_rows(128'000, 1000, 1, 8, Precision::float32), 0u);
  EXPECT_GT(streaming_chunk_rows(127'999, 1000, 1, 8, Precision::float32), 0u);
}

TEST(StreamingChunkRows, ChunksFillWhatThePerRowVectorsLeave) {
  // 100M rows on 2 ranks, 16 float32 features, 2 GiB per rank: 50M rows x 32 bytes stay in memory.
  const std::uint64_t limit = 2ull << 30, rows = 50'000'000;
  const std::uint64_t chunk = streaming_chunk_rows(limit, 2 * rows, 2, 16, Precision::float32);
  ASSERT_GT(chunk, 0u);
  EXPECT_LE(rows * kPerRowBytes + chunk * 16 * (2 * 8 + 4), limit);
  EXPECT_GT(rows * kPerRowBytes + (chunk + 1) * 16 * (2 * 8 + 4), limit);
  // float64 storage needs more per chunk row, so chunks get smaller.
  EXPECT_LT(streaming_chunk_rows(limit, 2 * rows, 2, 16, Precision::float64), chunk);
  // Sized for rank 0's block (the largest): the same answer on every rank.
  EXPECT_EQ(streaming_chunk_rows(limit, 2 * rows + 1, 2, 16, Precision::float32),
            streaming_chunk_rows(limit, 2 * rows + 2, 2, 16, Precision::float32));
}

TEST(StreamingChunkRows, TooSmallForThePerRowVectorsIsAUsageError) {
  try {
    (void)streaming_chunk_rows(1'000'000, 100'000, 1, 8, Precision::float32);  // 3.2 MB of per-row vectors
    ADD_FAILURE() << "accepted a limit below the per-row vectors";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::usage);
    EXPECT_NE(std::string(e.what()).find("too small"), std::string::npos) << e.what();
  }
}
