#include "custseg/ingest/byte_ranges.hpp"

#include <algorithm>

#include "custseg/ingest/values.hpp"

namespace custseg::ingest {

ChunkCounts count_quotes_newlines(std::string_view bytes) {
  ChunkCounts c;
  for (const char ch : bytes) {
    c.quotes += ch == '"';
    c.newlines += ch == '\n';
  }
  return c;
}

ByteRange nominal_chunk(std::uint64_t file_size, std::uint64_t part, std::uint64_t parts) {
  // 128-bit products so huge files cannot overflow size * part.
  const auto at = [&](std::uint64_t p) {
    return static_cast<std::uint64_t>(static_cast<UInt128>(file_size) * p / parts);
  };
  return {at(part), at(part + 1)};
}

std::optional<std::size_t> first_record_start(std::string_view bytes, bool in_quotes, std::uint64_t* newlines_before) {
  std::uint64_t newlines = 0;
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    const char ch = bytes[i];
    if (ch == '"') {
      in_quotes = !in_quotes;
    } else if (ch == '\n') {
      ++newlines;
      if (!in_quotes) {
        if (newlines_before) *newlines_before = newlines;
        return i + 1;
      }
    }
  }
  if (newlines_before) *newlines_before = newlines;
  return std::nullopt;
}

std::vector<ByteRange> resolve_ranges(const std::vector<std::optional<std::uint64_t>>& boundaries,
                                      std::uint64_t data_begin, std::uint64_t file_size) {
  const std::size_t parts = boundaries.size();
  std::vector<std::uint64_t> start(parts + 1, file_size);
  // From the right: a chunk without a boundary starts where the next one does (empty range).
  for (std::size_t p = parts; p-- > 0;) {
    std::uint64_t s = p == 0 ? data_begin : boundaries[p].value_or(start[p + 1]);
    s = std::clamp(s, std::min(data_begin, start[p + 1]), start[p + 1]);
    start[p] = s;
  }
  std::vector<ByteRange> ranges(parts);
  for (std::size_t p = 0; p < parts; ++p) ranges[p] = {start[p], start[p + 1]};
  return ranges;
}

std::vector<ByteRange> split_in_memory(std::string_view file, std::uint64_t data_begin, std::uint64_t parts) {
  std::vector<std::optional<std::uint64_t>> boundaries(parts);
  std::uint64_t quotes_before = 0;
  for (std::uint64_t p = 0; p < parts; ++p) {
    const ByteRange chunk = nominal_chunk(file.size(), p, parts);
    const std::string_view bytes = file.substr(chunk.begin, chunk.size());
    if (const auto b = first_record_start(bytes, quotes_before % 2 == 1)) boundaries[p] = chunk.begin + *b;
    quotes_before += count_quotes_newlines(bytes).quotes;
  }
  return resolve_ranges(boundaries, data_begin, file.size());
}

}  // namespace custseg::ingest
