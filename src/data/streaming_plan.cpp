#include "custseg/data/streaming_plan.hpp"

#include <algorithm>
#include <string>

#include "custseg/io/partition.hpp"
#include "custseg/util/error.hpp"
#include "custseg/util/log.hpp"

namespace custseg::data {

std::uint64_t streaming_chunk_rows(std::uint64_t memory_limit, std::uint64_t table_rows, int ranks, std::size_t dims,
                                   Precision precision) {
  if (memory_limit == 0) return 0;
  const std::uint64_t rows = io::block_for_rank(table_rows, 0, ranks).count;
  const std::uint64_t element = precision == Precision::float32 ? sizeof(float) : sizeof(double);
  // In memory: the float64 staging matrix and the storage copy exist together for a moment.
  const std::uint64_t per_row_in_memory = dims * (sizeof(double) + element) + kPerRowBytes;
  if (rows * per_row_in_memory <= memory_limit) return 0;
  const std::uint64_t fixed = rows * kPerRowBytes;
  if (fixed >= memory_limit)
    throw_usage("--memory-limit " + format_bytes(static_cast<double>(memory_limit)) + " is too small for " +
                std::to_string(rows) + " rows per rank: the per-row ids, labels and distances alone need " +
                format_bytes(static_cast<double>(fixed)) + " (use more ranks or a larger limit)");
  // Streaming: a chunk's column read, its float64 matrix and its storage copy.
  const std::uint64_t per_chunk_row = dims * (2 * sizeof(double) + element);
  return std::max<std::uint64_t>(256, (memory_limit - fixed) / std::max<std::uint64_t>(1, per_chunk_row));
}

}  // namespace custseg::data
