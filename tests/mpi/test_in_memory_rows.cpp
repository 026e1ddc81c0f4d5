// The in-memory RowSource: one chunk that is the matrix itself (the driver's single-chunk case),
// and rows fetched by index in their storage precision.
#include <gtest/gtest.h>

#include "custseg/data/row_source.hpp"
#include "custseg/mpi/communicator.hpp"

using custseg::data::FeatureMatrix;
using custseg::data::InMemoryRows;

TEST(InMemoryRows, IsOneChunkThatIsTheMatrixItself) {
  FeatureMatrix x;
  x.rows = 3;
  x.dims = 2;
  x.values = {1, 2, 3, 4, 5, 6};
  x.global_begin = 40;
  InMemoryRows source(x);
  EXPECT_EQ(source.rows(), 3u);
  EXPECT_EQ(source.dims(), 2u);
  EXPECT_EQ(source.chunk_count(), 1u);
  EXPECT_EQ(source.chunk_begin(0), 0u);
  EXPECT_EQ(&source.chunk(0), &x);
  EXPECT_EQ(source.global_row(2), 42u);
  EXPECT_FALSE(source.streaming());
}

TEST(InMemoryRows, FetchesRowsByIndexInOrder) {
  const custseg::mpi::Communicator comm;
  FeatureMatrix x;
  x.rows = 3;
  x.dims = 2;
  x.values = {1, 2, 3, 4, 5, 6};
  x.global_begin = 10;
  x.store_as(custseg::data::Precision::float32);
  InMemoryRows source(x);
  const FeatureMatrix got = source.rows_at(comm, {2, 0});
  EXPECT_EQ(got.rows, 2u);
  EXPECT_EQ(got.precision, custseg::data::Precision::float32);
  EXPECT_EQ(got.values32, (std::vector<float>{5, 6, 1, 2}));
  EXPECT_EQ(got.global_row(0), 12u);
  EXPECT_EQ(got.global_row(1), 10u);
}
