#pragma once
// One run's rows on this rank (compare, internal): its block of /assignments and of the input
// table's columns, and the exchange that moves each customer to the rank owning hash(id).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "custseg/compare/compare_result.hpp"
#include "custseg/compare/migration.hpp"
#include "custseg/data/customer_ids.hpp"
#include "custseg/data/input_table.hpp"
#include "custseg/mpi/communicator.hpp"

namespace custseg::compare {

struct PeriodBlock {
  data::CustomerIds ids;
  std::vector<std::int32_t> segment;  // segment index 0..k-1, -1 for rows dropped for NaN
  std::int64_t dropped = 0;           // this rank's rows with -1
  std::vector<std::vector<double>> kpis;      // per KPI column, this block's rows
};

// Collective, not agreed. Reads this rank's block of `model`'s assignments (segment IDs mapped
// to indices; an ID the model does not have is an input error) and of the `kpis` columns of
// `table` (when given; open_run_table has checked that its rows are the assignments').
PeriodBlock read_period(const mpi::Communicator& comm, const io::Model& model, const data::InputTable* table,
                        const std::vector<std::string>& kpis);

// Collective: this rank's block of one column of `table` (rows as in `model`'s assignments). Read
// one feature at a time, so that memory holds one column per period, not all of them.
std::vector<double> read_block(const mpi::Communicator& comm, const io::Model& model, const data::InputTable& table,
                               const std::string& column);

// Collective (one Alltoallv): every assigned row of `block` to rank hash(id) % P, with its
// segment index and KPI values; returns the rows this rank owns. Frees the block's ids.
PeriodRows exchange_period(const mpi::Communicator& comm, PeriodBlock& block);

}  // namespace custseg::compare
