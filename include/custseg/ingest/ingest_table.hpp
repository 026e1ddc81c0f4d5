#pragma once
// The aggregated-table ingest driver: a CSV with one row per customer -> the customer table, in
// input row order, columns typed automatically (table_columns.hpp), plus a JSON report of the
// column types and missing values next to the output.
//
// Ids: --id-column none numbers the rows from 1. Otherwise ids must be integers after one
// prefix of non-digits that all ids share (credit-card "C10001" -> 10001); the prefix is kept in
// the customer_id attribute "id_prefix", so the original strings can be rebuilt. We chose this
// over row numbers plus a label list because the ids stay meaningful for joins; ids that do not
// fit the pattern are an input error suggesting --id-column none.
#include <nlohmann/json.hpp>

#include "custseg/ingest/ingest_config.hpp"
#include "custseg/mpi/communicator.hpp"
#include "custseg/util/log.hpp"

namespace custseg::ingest {

// Collective. Returns the report (as written to <output>.quality.json) on every rank.
nlohmann::json ingest_table(const mpi::Communicator& comm, const IngestConfig& cfg, const Logger& log);

}  // namespace custseg::ingest
