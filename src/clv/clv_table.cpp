#include "custseg/clv/clv_table.hpp"

#include <span>

#include "custseg/io/customer_table.hpp"
#include "custseg/io/hdf5.hpp"
#include "custseg/io/partition.hpp"
#include "custseg/util/error.hpp"

namespace custseg::clv {
namespace {

void require_column(const io::File& file, const io::TableInfo& table, const std::string& name) {
  if (!table.find(name))  // most often an RFM table: say which ingest option makes the columns
    throw_input(file.path() + " has no column '" + name + "' (a CLV input: frequency, recency, T and monetary_value "
                "by default); `custseg ingest --transactions LOG --calibration-end DATE` writes them (docs/clv.md), or "
                "name yours with --frequency-column, --recency-column, --age-column, --monetary-column");
}

// One numeric column's rows of this rank's block, as doubles (HDF5 converts integer columns).
std::vector<double> read_clv_column(const io::File& file, const io::TableInfo& table, const std::string& name,
                                const io::RowBlock& block) {
  require_column(file, table, name);
  const io::ColumnInfo& column = table.require(name, "CLV input");
  std::vector<double> values(block.count);
  io::read_table_rows<double>(file, table, column.where, block, std::span<double>(values));  // collective
  return values;
}

}  // namespace

void require_clv_columns(const io::File& file, const io::TableInfo& table, const ClvColumns& columns) {
  for (const std::string* name : {&columns.frequency, &columns.recency, &columns.age}) require_column(file, table, *name);
}

ClvRows read_clv_rows(const mpi::Communicator& comm, const std::string& path, const ClvColumns& columns,
                      const std::string& key) {
  const io::File file = io::File::open_read(path, comm, key);
  const io::TableInfo table = io::inspect_table(file, key);
  return read_clv_rows(file, table, columns, io::block_for_rank(table.rows, comm.rank(), comm.size()));
}

ClvRows read_clv_rows(const io::File& file, const io::TableInfo& table, const ClvColumns& columns,
                      const io::RowBlock& block) {
  const auto x = read_clv_column(file, table, columns.frequency, block);
  const auto t_x = read_clv_column(file, table, columns.recency, block);
  const auto age = read_clv_column(file, table, columns.age, block);
  ClvRows rows;
  rows.total_rows = table.rows;
  rows.first_row = block.begin;
  rows.purchases.reserve(block.count);
  for (std::size_t i = 0; i < block.count; ++i) rows.purchases.push_back({x[i], t_x[i], age[i]});
  // Every rank sees the same table listing, so every rank takes the same branch here.
  rows.has_monetary = table.find(columns.monetary) != nullptr;
  if (rows.has_monetary) {
    const auto m = read_clv_column(file, table, columns.monetary, block);
    rows.spend.reserve(block.count);
    for (std::size_t i = 0; i < block.count; ++i) rows.spend.push_back({x[i], m[i]});
  }
  return rows;
}

}  // namespace custseg::clv
