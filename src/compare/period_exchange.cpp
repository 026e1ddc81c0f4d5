#include "period_exchange.hpp"

#include <cstring>

#include "custseg/io/customer_table.hpp"
#include "custseg/mpi/alltoallv.hpp"
#include "custseg/mpi/collective_guard.hpp"
#include "custseg/util/error.hpp"

namespace custseg::compare {

namespace {

std::vector<std::int32_t> segment_indices(const io::Model& m, const std::vector<std::int32_t>& stored,
                                          std::int64_t& dropped) {
  std::vector<std::int32_t> index(stored.size(), -1);
  for (std::size_t i = 0; i < stored.size(); ++i) {
    if (stored[i] == -1) {
      ++dropped;
      continue;
    }
    for (std::size_t c = 0; c < m.k && index[i] < 0; ++c)
      if (m.segment_ids[c] == stored[i]) index[i] = static_cast<std::int32_t>(c);
    if (index[i] < 0)
      throw_input(m.path + ": /assignments/segment holds " + std::to_string(stored[i]) +
                  ", which is not one of the run's segment IDs (/segments/segment_id)");
  }
  return index;
}

// The table's ids must be the assignments' ids row by row: a permuted copy or a table regenerated
// after the run has the right row count but other customers on each row, and would silently
// weight and bin the wrong rows. Blocks ascend with the rank, so the lowest failing rank (whose
// message mpi::agree keeps) holds the first differing row of the whole table.
void check_same_rows(const io::Model& model, const data::InputTable& table, const data::CustomerIds& expected,
                     const data::CustomerIds& found, const io::RowBlock& block) {
  for (std::size_t i = 0; i < expected.size(); ++i) {
    if (expected.text == found.text && expected.key(i) == found.key(i)) continue;
    const std::string row = std::to_string(block.begin + i);
    // The row, never the ids (docs/privacy.md).
    throw_input(table.table.file + " row " + row + " has another " + model.id_column + " than " + model.path +
                " /assignments/customer_id row " + row + ": rows are not in the order of the run's assignments: the table changed since the run, or is "
                "another table");
  }
}

template <class T>
void append(std::vector<char>& buf, const T& v) {
  const auto at = buf.size();
  buf.resize(at + sizeof(T));
  std::memcpy(&buf[at], &v, sizeof(T));
}

template <class T>
T take(const std::vector<char>& bytes, std::size_t& at) {
  T v;
  std::memcpy(&v, &bytes[at], sizeof(T));
  at += sizeof(T);
  return v;
}

}  // namespace

PeriodBlock read_period(const mpi::Communicator& comm, const io::Model& model, const data::InputTable* table,
                        const std::vector<std::string>& kpis) {
  const io::RowBlock block = io::block_for_rank(model.assignment_rows, comm.rank(), comm.size());
  PeriodBlock p;
  {
    // The assignments are a table under /assignments whose id column is customer_id.
    const data::InputTable assignments = data::open_input_table(comm, model.path, "assignments", "customer_id");
    p.ids = data::read_customer_ids(comm, assignments, "customer_id", block);
    std::vector<std::int32_t> stored(block.count);
    assignments.file.read_rows<std::int32_t>("/assignments/segment", block, stored);
    // A bad ID is found on one rank only: agree before the next collective read.
    mpi::agree(comm, [&] { p.segment = segment_indices(model, stored, p.dropped); });
  }
  if (table == nullptr) return p;
  const data::CustomerIds table_ids = data::read_customer_ids(comm, *table, model.id_column, block);
  mpi::agree(comm, [&] { check_same_rows(model, *table, p.ids, table_ids, block); });
  for (const auto& name : kpis) p.kpis.push_back(io::read_column(table->file, table->table, name, block));
  return p;
}

std::vector<double> read_block(const mpi::Communicator& comm, const io::Model& model, const data::InputTable& table,
                               const std::string& column) {
  return io::read_column(table.file, table.table, column, io::block_for_rank(model.assignment_rows, comm.rank(), comm.size()));
}

PeriodRows exchange_period(const mpi::Communicator& comm, PeriodBlock& block) {
  const std::size_t m = block.kpis.size();
  std::vector<std::vector<char>> to_rank(static_cast<std::size_t>(comm.size()));
  for (std::size_t i = 0; i < block.ids.size(); ++i) {
    if (block.segment[i] < 0) continue;  // dropped for NaN: absent from this period
    const std::string key = block.ids.key(i);
    auto& buf = to_rank[static_cast<std::size_t>(data::id_owner(key, comm.size()))];
    append(buf, static_cast<std::uint32_t>(key.size()));
    buf.insert(buf.end(), key.begin(), key.end());
    append(buf, block.segment[i]);
    for (std::size_t j = 0; j < m; ++j) append(buf, block.kpis[j][i]);
  }
  const bool text = block.ids.text;
  block.ids = {};
  block.kpis = {};  // what this rank owns now arrives; keep memory at one share
  // All ranks reach this, even with no rows.
  const mpi::ReceivedBytes got = mpi::alltoallv_bytes(comm, to_rank);
  to_rank.clear();
  PeriodRows rows;
  rows.text = text;
  for (std::size_t at = 0; at < got.bytes.size();) {
    const auto length = take<std::uint32_t>(got.bytes, at);
    rows.keys.emplace_back(&got.bytes[at], length);
    at += length;
    rows.segment.push_back(take<std::int32_t>(got.bytes, at));
    for (std::size_t j = 0; j < m; ++j) rows.kpis.push_back(take<double>(got.bytes, at));
  }
  return rows;
}

}  // namespace custseg::compare
