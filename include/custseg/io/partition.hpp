#pragma once
// Row partitioning: which contiguous block of global rows each rank owns.
#include <cstdint>

namespace custseg::io {

struct RowBlock {
  std::uint64_t begin = 0;  // first global row
  std::uint64_t count = 0;  // number of rows (may be 0)
  [[nodiscard]] std::uint64_t end() const { return begin + count; }
};

// Even split: the first (n % parts) parts get one row more. Deterministic, so every rank can
// compute every other rank's block without communicating.
RowBlock block_for_rank(std::uint64_t n_rows, int rank, int n_ranks);

// Sub-blocks of at most `chunk_rows` rows, for streaming a block in bounded memory.
std::uint64_t chunk_count(std::uint64_t rows, std::uint64_t chunk_rows);
RowBlock chunk_of(const RowBlock& block, std::uint64_t chunk_rows, std::uint64_t index);

}  // namespace custseg::io
