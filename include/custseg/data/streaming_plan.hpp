#pragma once
// How a rank's k-means input is held under --memory-limit: in memory, or streamed in chunks of
// how many rows (row_source.hpp). Pure arithmetic, no MPI.
#include <cstdint>

#include "custseg/data/feature_matrix.hpp"

namespace custseg::data {

// Rows per chunk so that this rank's share of the k-means input fits `memory_limit` bytes, or 0
// when the whole block fits (or there is no limit). Every rank gets the same answer (it is sized
// for the largest block, rank 0's). Throws a usage error when even the per-row vectors that stay
// in memory (ids, labels, distances: kPerRowBytes a row) do not fit.
inline constexpr std::uint64_t kPerRowBytes = 32;
std::uint64_t streaming_chunk_rows(std::uint64_t memory_limit, std::uint64_t table_rows, int ranks, std::size_t dims,
                                   Precision precision);

}  // namespace custseg::data
