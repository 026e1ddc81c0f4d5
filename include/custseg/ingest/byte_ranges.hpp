#pragma once
// Splitting a CSV file into byte ranges that start and end on record boundaries (pure, no MPI).
//
// The file is cut into `parts` nominal chunks of equal size. A record boundary is the byte after
// a line feed that lies outside any quoted field. Under RFC 4180 (as csv.hpp enforces it) every
// quote either opens a quoted field, closes one, or is half of a doubled quote inside one, so a
// byte lies inside a quoted field exactly when an odd number of quotes precede it. Each chunk's
// quote count is therefore enough for every chunk to know whether it starts inside quotes
// (an exclusive scan of the counts), and each chunk's first boundary is found by scanning its own
// bytes from that state. We chose this quote-parity scan over "parse from a guessed boundary and
// check" because it is exact for any content (even a quoted field spanning several chunks) and
// costs one counting pass plus one small collective.
//
// A chunk's range runs from its first boundary to the next chunk's first boundary; a chunk with
// no boundary (one long record) gets an empty range and its bytes go to the chunk before it.
// Ranges never start before `data_begin` (the end of the header). A malformed file can make
// parities wrong; the parser of the range then reports the broken quote, so the split itself
// never has to be right for bad input, only to terminate.
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace custseg::ingest {

struct ByteRange {
  std::uint64_t begin = 0;
  std::uint64_t end = 0;
  [[nodiscard]] std::uint64_t size() const { return end - begin; }
};

struct ChunkCounts {
  std::uint64_t quotes = 0;
  std::uint64_t newlines = 0;
};

ChunkCounts count_quotes_newlines(std::string_view bytes);

// Nominal chunk `part` of `parts` equal chunks of a file of `file_size` bytes.
ByteRange nominal_chunk(std::uint64_t file_size, std::uint64_t part, std::uint64_t parts);

// Where the first record boundary lies in `bytes` (offset just past the line feed), given
// whether bytes[0] lies inside a quoted field; nullopt if none. `newlines_before`, if given,
// receives the number of line feeds before the boundary (all line feeds if none is found).
std::optional<std::size_t> first_record_start(std::string_view bytes, bool starts_in_quotes,
                                              std::uint64_t* newlines_before = nullptr);

// Ranges from each chunk's first boundary (absolute offset; nullopt: none in that chunk).
// Chunk 0's range starts at data_begin; ranges tile [data_begin, file_size).
std::vector<ByteRange> resolve_ranges(const std::vector<std::optional<std::uint64_t>>& boundaries,
                                      std::uint64_t data_begin, std::uint64_t file_size);

// The whole split done serially on bytes in memory: the reference the distributed split in
// csv_source.hpp must reproduce, and what unit tests check against a plain parse.
std::vector<ByteRange> split_in_memory(std::string_view file, std::uint64_t data_begin, std::uint64_t parts);

}  // namespace custseg::ingest
