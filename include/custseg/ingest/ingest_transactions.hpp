#pragma once
// The transaction-log ingest driver: parallel CSV parse -> local per-customer summaries ->
// hash shuffle (MPI_Alltoallv) and merge -> features -> global sort by customer id -> parallel
// write of the customer table, plus the data-quality report (JSON next to the output).
// Integer ids give a uint64 customer_id sorted by value; string ids (any rank saw one) a
// variable-length UTF-8 customer_id sorted by bytes (docs/input-csv.md). A log whose summaries
// would not fit --memory-limit is read in several passes, each keeping a share of the customers.
#include <deque>

#include "custseg/ingest/ingest_config.hpp"
#include "custseg/io/partition.hpp"
#include "custseg/ingest/quality_report.hpp"
#include "custseg/mpi/communicator.hpp"
#include "custseg/util/log.hpp"
#include "custseg/util/pseudonymize.hpp"

namespace custseg::ingest {

// Collective. Returns the report (complete on every rank). Throws agreed errors; with --strict,
// writes the report, then fails if any row was set aside (and writes no table).
// `pseudonyms` (--pseudonymize-ids): the table's customer_id column holds pseudonyms (docs/privacy.md).
QualityReport ingest_transactions(const mpi::Communicator& comm, const IngestConfig& cfg, const Logger& log,
                                  const Pseudonymizer* pseudonyms = nullptr);

// Steps of the driver, exposed for MPI tests.
struct Shuffled {
  std::vector<CustomerSummary> customers;  // this rank's hash partition, merged, sorted by id
};
// Sends each summary to rank mix64(id) % size and merges what arrives. Collective.
Shuffled shuffle_by_customer(const mpi::Communicator& comm, std::unordered_map<std::uint64_t, CustomerSummary>&& local);
// The same for string ids (text_id), sent by a hash of their bytes and returned in byte order.
Shuffled shuffle_by_text_id(const mpi::Communicator& comm, std::unordered_map<std::string, CustomerSummary>&& local);

// Global sort: each rank gets the rows of its block_for_rank(total, rank, size) of the id order.
// Justification for gathering ids: the customer table is far smaller than the transaction log
// (8 bytes per customer, 35 KB for Online Retail's 4372), so every rank can hold every id and
// find each of its customers' global position with a binary search; no sample sort is needed.
struct SortedRows {
  std::uint64_t total = 0;
  io::RowBlock block;
  std::vector<CustomerFeatures> rows;  // the rows of `block`, in id order
  std::vector<std::string> text_ids;   // string ids: all of them, sorted (the table's id column)
};
// text_ids: sort by text_id (byte order) instead of the integer id.
SortedRows sort_globally(const mpi::Communicator& comm, std::deque<CustomerFeatures>&& mine, bool text_ids = false);

}  // namespace custseg::ingest
