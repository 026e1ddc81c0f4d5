#pragma once
// The CLV models' inputs from a customer table (DESIGN.md "Data on disk"): per-customer
// sufficient statistics in columns, each rank reading its own block of rows. Collective.
#include <cstdint>
#include <string>
#include <vector>

#include "custseg/clv/bgnbd.hpp"
#include "custseg/clv/gamma_gamma.hpp"
#include "custseg/io/customer_table.hpp"
#include "custseg/io/hdf5.hpp"
#include "custseg/io/partition.hpp"
#include "custseg/mpi/communicator.hpp"

namespace custseg::clv {

// Column names, lifetimes' conventions by default. Time columns share one unit (weeks or days);
// monetary_value is the mean value of the repeat transactions (0 when there are none).
struct ClvColumns {
  std::string frequency = "frequency";
  std::string recency = "recency";
  std::string age = "T";
  std::string monetary = "monetary_value";  // optional: without it, spend is empty
};

struct ClvRows {
  std::uint64_t total_rows = 0;  // over all ranks
  std::uint64_t first_row = 0;   // global row of this rank's first customer
  std::vector<BgnbdCustomer> purchases;
  std::vector<SpendCustomer> spend;  // same rows; empty when the table has no monetary column
  bool has_monetary = false;         // the same on every rank (a rank may hold no rows)
};

// Input errors (on every rank) when the file or a required column is missing or unreadable.
// Input error, naming the ingest option that writes them, when the table lacks one of the
// BG/NBD columns (the monetary one is optional). Local; every rank sees the same listing.
void require_clv_columns(const io::File& file, const io::TableInfo& table, const ClvColumns& columns);

// This rank's block is io::block_for_rank's.
ClvRows read_clv_rows(const mpi::Communicator& comm, const std::string& path, const ClvColumns& columns = {},
                      const std::string& key = "customers");
// The rows of `block` of an open table (segment --clv reads the block its features came from).
// Collective; every rank passes its own block.
ClvRows read_clv_rows(const io::File& file, const io::TableInfo& table, const ClvColumns& columns,
                      const io::RowBlock& block);

}  // namespace custseg::clv
