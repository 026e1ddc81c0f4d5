#pragma once
// results.h5 (DESIGN.md, "Data on disk"). Written under a temporary name and renamed by rank 0
// when complete, so a results.h5 that exists is always whole.
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "custseg/io/partition.hpp"
#include "custseg/mpi/communicator.hpp"
#include "custseg/report/run_summary.hpp"
#include "custseg/util/named_column.hpp"

namespace custseg::io {

// Collective: creates `path` and writes /assignments (customer_id, segment, distance) for this
// rank's block of rows. `numeric_ids` false: no customer_id here (write_text_ids adds it).
// `reserve_bytes` > 0: rank 0 reserves that much disk space for the whole file right after
// creating it (io::reserve_space), so a full disk fails before the first write. A failure on any
// rank is agreed after each collective call; the file is then removed.
// `more_columns`: further per-row float64 columns, /assignments/<name> (segment --clv: p_alive,
// expected_purchases, expected_spend, clv), each this rank's block of values.
void write_assignments(const mpi::Communicator& comm, const std::string& path, std::uint64_t rows_total,
                       const RowBlock& block, std::span<const std::uint64_t> ids,
                       std::span<const std::int32_t> segments, std::span<const float> distances,
                       bool numeric_ids = true, std::uint64_t reserve_bytes = 0,
                       const std::vector<NamedColumn>& more_columns = {});

// Collective (call it outside mpi::agree: it agrees itself): adds /assignments/customer_id to
// the closed file `path` as variable-length UTF-8 strings, the ids as they came. Parallel HDF5
// 1.10 cannot write variable-length data, so the ranks take turns, each writing its own block
// through a serial handle: memory stays one block per rank, at the price of one agreement per rank.
void write_text_ids(const mpi::Communicator& comm, const std::string& path, std::uint64_t rows_total,
                    const RowBlock& block, const std::vector<std::string>& ids,
                    const std::string& dataset = "/assignments/customer_id");

// Serial (one process): adds /model and /segments to the file written by write_assignments.
void write_model_and_segments(const std::string& path, const report::RunSummary& summary);

}  // namespace custseg::io
