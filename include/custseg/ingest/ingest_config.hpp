#pragma once
// Options of `custseg ingest` (command line or INI via --config; the command line wins).
#include <cstdint>
#include <string>

#include "custseg/config/options.hpp"
#include "custseg/config/privacy_options.hpp"
#include "custseg/ingest/csv.hpp"
#include "custseg/ingest/transactions.hpp"

namespace custseg::ingest {

struct IngestConfig {
  config::CommonOptions common;
  config::PrivacyOptions privacy;  // --pseudonymize-ids: the table's customer_id column (docs/privacy.md)
  std::string transactions;  // transaction log CSV (RFM mode)
  std::string table;         // already-aggregated customer table CSV (one row per customer)
  std::string output;
  TransactionColumns columns;  // columns.customer_id doubles as --id-column of --table mode
  std::string as_of;           // YYYY-MM-DD; empty: the day after the last transaction
  std::string currency;        // unit attribute of the money columns (e.g. GBP); empty: none written
  std::string churn_after;     // YYYY-MM-DD; empty: no churn label
  // YYYY-MM-DD, the last day of the calibration period of the CLV models; empty: no model columns.
  std::string calibration_end;
  std::string time_unit = "weeks";  // of recency, T and the holdout length: days or weeks
  // The CSV dialect: --delimiter (default ',', refusing a one-column header that holds another
  // common delimiter), --columns (names of a headerless file's columns), --decimal, --date-format.
  std::string delimiter = "auto";
  std::string column_names;
  std::string decimal = ".";
  std::string date_format = "auto";
  bool strict = false;
  bool dedupe = false;  // drop exact duplicate rows (always counted in the quality report)
  std::string read_block_size = "64M";             // --read-block-bytes as given (size suffixes allowed)
  std::uint64_t read_block_bytes = 64ULL << 20;  // parsed from read_block_size
  std::string memory_limit = "auto";  // --memory-limit as given: per rank, bounds the passes' summaries
  std::uint64_t memory_limit_bytes = 0;  // parsed; 0 = auto (from the node's available memory)
};

// The header spec and value format the options describe (already validated by the parser).
HeaderSpec header_spec(const IngestConfig& cfg);
ValueFormat value_format(const IngestConfig& cfg);

// Returns false if only --help was asked for. Throws usage errors.
bool parse_ingest_config(int argc, char** argv, int rank, IngestConfig& out);

// The quality report's path next to an output file: customers.h5 -> customers.h5.quality.json.
std::string quality_report_path(const std::string& output);

}  // namespace custseg::ingest
