#pragma once
// Options of `custseg ingest` (command line or INI via --config; the command line wins).
#include <cstdint>
#include <string>

#include "custseg/config/options.hpp"
#include "custseg/ingest/transactions.hpp"

namespace custseg::ingest {

struct IngestConfig {
  config::CommonOptions common;
  std::string transactions;  // transaction log CSV (RFM mode)
  std::string table;         // already-aggregated customer table CSV (one row per customer)
  std::string output;
  TransactionColumns columns;  // columns.customer_id doubles as --id-column of --table mode
  std::string as_of;           // YYYY-MM-DD; empty: the day after the last transaction
  std::string churn_after;     // YYYY-MM-DD; empty: no churn label
  bool strict = false;
  std::uint64_t read_block_bytes = 64ULL << 20;
};

// Returns false if only --help was asked for. Throws usage errors.
bool parse_ingest_config(int argc, char** argv, int rank, IngestConfig& out);

// The quality report's path next to an output file: customers.h5 -> customers.h5.quality.json.
std::string quality_report_path(const std::string& output);

}  // namespace custseg::ingest
