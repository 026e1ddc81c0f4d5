#include "custseg/io/partition.hpp"

#include <algorithm>

namespace custseg::io {

RowBlock block_for_rank(std::uint64_t n_rows, int rank, int n_ranks) {
  const auto r = static_cast<std::uint64_t>(rank);
  const auto p = static_cast<std::uint64_t>(n_ranks);
  const std::uint64_t base = n_rows / p;
  const std::uint64_t extra = n_rows % p;
  return RowBlock{r * base + std::min(r, extra), base + (r < extra ? 1 : 0)};
}

std::uint64_t chunk_count(std::uint64_t rows, std::uint64_t chunk_rows) {
  return chunk_rows == 0 ? 0 : (rows + chunk_rows - 1) / chunk_rows;
}

RowBlock chunk_of(const RowBlock& block, std::uint64_t chunk_rows, std::uint64_t index) {
  const std::uint64_t begin = std::min(block.count, index * chunk_rows);
  const std::uint64_t end = std::min(block.count, begin + chunk_rows);
  return RowBlock{block.begin + begin, end - begin};
}

}  // namespace custseg::io
