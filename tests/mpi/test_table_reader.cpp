// Parallel write + read of the customer table with uneven and empty blocks.
#include <gtest/gtest.h>

#include <filesystem>

#include "custseg/data/synthetic.hpp"
#include "custseg/io/customer_table.hpp"
#include "custseg/mpi/collective_guard.hpp"
#include "custseg/util/error.hpp"
#include "mpi_test_data.hpp"

using namespace custseg;

namespace {
// Writes `rows` generated rows (two columns) in parallel, each rank its block.
void write_table(const mpi::Communicator& comm, const std::string& path, std::uint64_t rows) {
  io::File f = io::File::create(path, comm);
  f.create_dataset(io::column_path("customer_id"), io::ColumnType::uint64, {rows});
  f.create_dataset(io::column_path("monetary"), io::ColumnType::float64, {rows});
  f.create_dataset(io::column_path("frequency"), io::ColumnType::int32, {rows});
  const io::RowBlock mine = io::block_for_rank(rows, comm.rank(), comm.size());
  data::SyntheticBlock b;
  data::generate_block(5, mine, b);
  f.write_rows<std::uint64_t>(io::column_path("customer_id"), mine, b.customer_id);
  f.write_rows<double>(io::column_path("monetary"), mine, b.monetary);
  f.write_rows<std::int32_t>(io::column_path("frequency"), mine, b.frequency);
}
}  // namespace

class TableReader : public ::testing::TestWithParam<std::uint64_t> {};

TEST_P(TableReader, EachRankReadsExactlyItsBlock) {
  const mpi::Communicator comm;
  const std::uint64_t rows = GetParam();  // 2 rows on 4 ranks leaves two ranks empty
  const std::string path = custseg::testing::shared_temp_path(comm, "custseg-reader");
  write_table(comm, path, rows);
  comm.barrier();

  io::File f = io::File::open_read(path, comm);
  const io::TableInfo info = io::inspect_table(f);
  EXPECT_EQ(info.rows, rows);
  EXPECT_EQ(info.columns.size(), 3U);
  const io::RowBlock mine = io::block_for_rank(rows, comm.rank(), comm.size());
  const data::FeatureMatrix m = io::read_features(f, info, {"frequency", "monetary"}, mine);

  data::SyntheticBlock reference;  // the whole table, built serially on every rank
  data::generate_block(5, io::RowBlock{0, rows}, reference);
  EXPECT_EQ(m.rows, mine.count);
  for (std::size_t i = 0; i < m.rows; ++i) {
    EXPECT_EQ(m.row(i)[0], reference.frequency[mine.begin + i]);
    EXPECT_EQ(m.row(i)[1], reference.monetary[mine.begin + i]);
  }
  f.close();
  comm.barrier();
  if (comm.is_root()) std::filesystem::remove(path);
}

INSTANTIATE_TEST_SUITE_P(Sizes, TableReader, ::testing::Values(2, 5, 1001));

TEST(TableReaderErrors, MissingFileAndColumnsOfDifferentLengthsFailOnEveryRank) {
  const mpi::Communicator comm;
  try {
    mpi::agree(comm, [&] { io::File::open_read("/nonexistent/customers.h5", comm); });
    ADD_FAILURE() << "no error for a missing file";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::input);
    EXPECT_NE(std::string(e.what()).find("not found"), std::string::npos);
  }

  const std::string path = custseg::testing::shared_temp_path(comm, "custseg-ragged");
  {
    io::File f = io::File::create(path, comm);
    f.create_dataset(io::column_path("a"), io::ColumnType::float64, {10});
    f.create_dataset(io::column_path("b"), io::ColumnType::float64, {9});
  }
  comm.barrier();
  io::File f = io::File::open_read(path, comm);
  // Lengths are judged for the columns a job uses: listing the table is fine, using both is not.
  io::TableInfo info;
  mpi::agree(comm, [&] { info = io::inspect_table(f); });
  EXPECT_EQ(info.rows, 10U);  // no id column: the first column's length
  try {
    mpi::agree(comm, [&] { io::read_features(f, info, {"a", "b"}, io::block_for_rank(9, comm.rank(), comm.size())); });
    ADD_FAILURE() << "no error for columns of different lengths";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("different lengths"), std::string::npos) << e.what();
  }
  f.close();
  comm.barrier();
  if (comm.is_root()) std::filesystem::remove(path);
}
