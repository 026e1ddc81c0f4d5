#pragma once
// The aggregated-table ingest driver: a CSV with one row per customer -> the customer table, in
// input row order, columns typed automatically (table_columns.hpp), plus a JSON report of the
// column types and missing values next to the output.
//
// Column names are kept as the header wrote them (hdf5_link_name escapes only what HDF5 cannot
// hold), so `segment --features` takes the header's names.
//
// Ids: --id-column none numbers the rows from 1. An id column with any value that is neither a
// number nor a missing marker is textual ("C10001", UUIDs, hashed e-mails): its ids are kept
// exactly as written, as a variable-length UTF-8 string dataset (what h5py writes for str), so
// results join back to the source without rebuilding anything. Otherwise every id must be an
// exact non-negative integer below 2^64 (uint64, as before); a negative, fractional, too large
// or missing id is an input error naming its line (the first in the file), because any
// conversion would silently turn it into another customer's id. Duplicates are refused.
#include <nlohmann/json.hpp>

#include "custseg/ingest/ingest_config.hpp"
#include "custseg/mpi/communicator.hpp"
#include "custseg/util/log.hpp"
#include "custseg/util/pseudonymize.hpp"

namespace custseg::ingest {

// Collective. Returns the report (as written to <output>.quality.json) on every rank.
// `pseudonyms` (--pseudonymize-ids): the table's customer_id column holds pseudonyms (docs/privacy.md).
nlohmann::json ingest_table(const mpi::Communicator& comm, const IngestConfig& cfg, const Logger& log,
                            const Pseudonymizer* pseudonyms = nullptr);

}  // namespace custseg::ingest
