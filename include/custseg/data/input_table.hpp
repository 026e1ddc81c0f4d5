#pragma once
// Opening the customer table a job reads (segment, sweep): the checks each job makes before its
// first collective read, each agreed across ranks so that all ranks fail together with one message.
#include <string>

#include "custseg/data/customer_ids.hpp"
#include "custseg/data/prepare.hpp"
#include "custseg/io/customer_table.hpp"
#include "custseg/io/hdf5.hpp"
#include "custseg/mpi/communicator.hpp"
#include "custseg/util/pseudonymize.hpp"

namespace custseg::data {

struct InputTable {
  io::File file;        // opened for parallel reading by every rank of the communicator
  io::TableInfo table;  // /KEY, listed by io::inspect_table
};

// Collective. Input errors: the file is missing, is not HDF5, or has no table under /KEY that
// custseg reads (docs/input-hdf5.md). `id_column` fixes the table's row count when present.
InputTable open_input_table(const mpi::Communicator& comm, const std::string& path, const std::string& key = "customers",
                            const std::string& id_column = "customer_id");

// A text attribute of the table's group (/KEY), e.g. the "as_of" date ingest writes; empty when
// absent. Every rank reads it.
std::string table_attribute(const InputTable& input, const std::string& name);

// Collective. --consent-column (docs/privacy.md): reads `column` over the whole table, refuses a
// value other than 0 or 1 (input error naming the column and the first such row; NaN included),
// and makes `input` the view of the rows holding 1 (io::RowSelection): from here on its table is
// the table without the other rows. Returns how many rows were excluded.
std::uint64_t select_consenting_rows(const mpi::Communicator& comm, InputTable& input, const std::string& column);

// "1,234 customers excluded: no consent (column consent)", the line a job logs.
std::string consent_summary(std::uint64_t excluded, const std::string& column);

// Collective. This rank's block of the id column as it came: numbers (uint64, int64 >= 0, or
// float64 holding a whole number below 2^64) or strings (fixed or variable length). Input error,
// naming the column, the first bad row and its value, for any other value or type.
CustomerIds read_customer_ids(const mpi::Communicator& comm, const InputTable& input, const std::string& id_column,
                              const io::RowBlock& block);

// Bytes a rank sends per round of the id exchange below: MPI counts are ints (2 GiB), and a
// receiving rank holds one round's records at a time.
inline constexpr std::uint64_t kIdRoundBytes = std::uint64_t{512} << 20;

// Collective. Input error naming the first repeat (the smallest row whose id appeared on an
// earlier row) by both rows, never by the id (docs/privacy.md); with `pseudonyms`, also by the
// id's pseudonym. Each id is sent to the rank that owns its hash (alltoallv, in as
// many rounds of at most `round_bytes` per rank as the largest block needs), so no rank ever holds
// more than its share of the ids.
void check_unique_ids(const mpi::Communicator& comm, const CustomerIds& ids, const io::RowBlock& block,
                      const std::string& id_column, const std::string& file, std::uint64_t round_bytes = kIdRoundBytes,
                      const Pseudonymizer* pseudonyms = nullptr);

}  // namespace custseg::data
