#include "custseg/ingest/csv_source.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <limits>

#include "custseg/mpi/collective_guard.hpp"
#include "custseg/util/error.hpp"

namespace custseg::ingest {

InputFile::InputFile(std::string path) : path_(std::move(path)) {
  struct stat st {};
  if (::stat(path_.c_str(), &st) != 0) throw_input("input file not found: " + path_);
  if (S_ISDIR(st.st_mode)) throw_input("input " + path_ + " is a directory, not a CSV file");
  fd_ = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd_ < 0) throw_input("cannot open " + path_ + ": " + std::strerror(errno));
  size_ = static_cast<std::uint64_t>(st.st_size);
}

InputFile::~InputFile() {
  if (fd_ >= 0) ::close(fd_);
}

std::string InputFile::read(std::uint64_t offset, std::uint64_t length) const {
  length = offset >= size_ ? 0 : std::min(length, size_ - offset);
  std::string out(length, '\0');
  std::uint64_t done = 0;
  while (done < length) {
    const ssize_t got = ::pread(fd_, out.data() + done, length - done, static_cast<off_t>(offset + done));
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) throw_input("reading " + path_ + " failed at byte " + std::to_string(offset + done) +
                              (got < 0 ? ": " + std::string(std::strerror(errno)) : ": file shrank while reading"));
    done += static_cast<std::uint64_t>(got);
  }
  return out;
}

namespace {

// The first record of the file (after a byte-order mark) and where the next one starts.
struct FirstLine {
  std::string bytes;  // the whole prefix read
  std::size_t bom = 0;
  std::size_t end = 0;  // offset just past the first record
};

FirstLine read_first_line(const InputFile& file) {
  // Grow the prefix until it holds the whole header record (a header rarely exceeds 64 KiB).
  std::uint64_t length = 1 << 16;
  FirstLine f;
  std::optional<std::size_t> end;
  for (;;) {
    f.bytes = file.read(0, length);
    end = first_record_start(f.bytes, false);
    if (end || f.bytes.size() == file.size()) break;
    // A file of one giant line (or a binary file) is refused, not read whole into memory.
    if (length >= kMaxHeaderBytes)
      throw_input(file.path() + ": line 1 (the header) is longer than " + std::to_string(kMaxHeaderBytes >> 20) +
                  " MiB; is this a CSV file with line breaks?");
    length = std::min<std::uint64_t>(length * 4, kMaxHeaderBytes + 1);
  }
  f.bom = bom_length(f.bytes);
  f.end = end.value_or(f.bytes.size());
  return f;
}

// A ','-read header of one column that holds another common delimiter is refused, naming the
// option that reads it right: the alternative is a one-column table of whole lines.
void refuse_wrong_delimiter(const InputFile& file, const CsvRecord& header, std::string_view line) {
  if (header.size() != 1) return;
  const auto other = likely_dialect(line);
  if (!other) return;
  const std::string name = dialect_name(*other);
  throw_input(file.path() + ": the header has one column ('" + std::string(header.field(0)) +
              "') but holds '" + (other->whitespace ? std::string("  ") : name == "tab" ? std::string("\\t") : name) +
              "'; is the delimiter " + name + "? pass --delimiter " + (name == ";" || name == "|" ? "'" + name + "'" : name) +
              " (or --delimiter , to read it as one column)");
}

}  // namespace

CsvHeader read_header(const InputFile& file, const HeaderSpec& spec) {
  if (file.size() == 0) throw_input(file.path() + " is empty (expected a header line and data rows)");
  const FirstLine first = read_first_line(file);
  const std::string_view header_bytes = std::string_view(first.bytes).substr(first.bom, first.end - first.bom);
  if (const auto bad = find_text_problem(header_bytes))
    throw_input(text_problem_message(file.path(), *bad,
                                     1 + static_cast<std::uint64_t>(std::count(header_bytes.begin(), header_bytes.begin() + static_cast<std::ptrdiff_t>(bad->offset), '\n')),
                                     first.bom + bad->offset));
  CsvHeader h;
  h.dialect = spec.dialect;
  if (!spec.names.empty()) {
    // --columns: no header line; the data starts after the byte-order mark, on line 1.
    h.names = spec.names;
    h.data_begin = first.bom;
    h.data_first_line = 1;
    return h;
  }
  CsvParser parser(header_bytes, 1, file.path(), spec.dialect);
  CsvRecord record;
  if (!parser.next(record) || record.blank()) throw_input(file.path() + ": the first line is empty (expected a header)");
  if (spec.sniff) refuse_wrong_delimiter(file, record, header_bytes);
  h.names = header_names(record, file.path());
  h.data_begin = first.end;
  h.data_first_line = parser.line();
  if (h.data_begin >= file.size())
    throw_input(file.path() + " has a header line but no data rows");
  return h;
}

namespace {

// What one rank learns about one nominal chunk in its single counting pass. Both possible
// first boundaries are found (chunk starts outside / inside quotes) because which one applies is
// known only after the exclusive scan of quote counts.
struct ChunkScan {
  std::uint64_t quotes = 0;
  std::uint64_t newlines = 0;
  std::uint64_t boundary[2] = {0, 0};         // absolute offset + 1, 0 = none
  std::uint64_t newlines_before[2] = {0, 0};  // line feeds between chunk start and that boundary
};
constexpr std::size_t kScanWords = 6;

ChunkScan scan_chunk(const InputFile& file, const ByteRange& chunk) {
  const std::string bytes = file.read(chunk.begin, chunk.size());
  ChunkScan s;
  const ChunkCounts c = count_quotes_newlines(bytes);
  s.quotes = c.quotes;
  s.newlines = c.newlines;
  for (int in_quotes = 0; in_quotes < 2; ++in_quotes) {
    if (const auto b = first_record_start(bytes, in_quotes == 1, &s.newlines_before[in_quotes]))
      s.boundary[in_quotes] = chunk.begin + *b + 1;
  }
  return s;
}

}  // namespace

CsvPlan plan_csv_parts(const mpi::Communicator& comm, const InputFile& file, std::uint64_t block_bytes,
                       const HeaderSpec& spec) {
  CsvPlan plan;
  mpi::agree(comm, [&] { plan.header = read_header(file, spec); });
  const auto ranks = static_cast<std::uint64_t>(comm.size());
  const auto rank = static_cast<std::uint64_t>(comm.rank());
  const std::uint64_t by_size = block_bytes == 0 ? 1 : (file.size() + block_bytes - 1) / block_bytes;
  plan.parts = std::max(ranks, by_size);
  // Every rank learns every part's boundary (7 words each): a million parts is already 56 MB.
  constexpr std::uint64_t kMaxParts = 1 << 20;
  mpi::agree(comm, [&] {
    if (plan.parts > kMaxParts)
      throw_usage("--read-block-bytes " + std::to_string(block_bytes) + " would cut " + file.path() + " into " +
                  std::to_string(plan.parts) + " parts; use at least " +
                  std::to_string((file.size() + kMaxParts - 1) / kMaxParts) + " bytes");
  });
  plan.max_parts_per_rank = (plan.parts + ranks - 1) / ranks;

  // One pass over this rank's chunks (round-robin: part p belongs to rank p % size).
  std::vector<std::int64_t> mine;
  mpi::agree(comm, [&] {
    for (std::uint64_t p = rank; p < plan.parts; p += ranks) {
      const ChunkScan s = scan_chunk(file, nominal_chunk(file.size(), p, plan.parts));
      for (std::uint64_t w : {p, s.quotes, s.newlines, s.boundary[0], s.boundary[1], s.newlines_before[0],
                              s.newlines_before[1]})
        mine.push_back(static_cast<std::int64_t>(w));
    }
  });
  // All ranks must reach this; afterwards every rank knows every chunk (a few words each).
  const std::vector<std::int64_t> all = comm.allgatherv(std::span<const std::int64_t>(mine));
  constexpr std::size_t words = kScanWords + 1;
  std::vector<ChunkScan> scans(plan.parts);
  for (std::size_t i = 0; i + words <= all.size(); i += words) {
    ChunkScan& s = scans[static_cast<std::size_t>(all[i])];
    s.quotes = static_cast<std::uint64_t>(all[i + 1]);
    s.newlines = static_cast<std::uint64_t>(all[i + 2]);
    s.boundary[0] = static_cast<std::uint64_t>(all[i + 3]);
    s.boundary[1] = static_cast<std::uint64_t>(all[i + 4]);
    s.newlines_before[0] = static_cast<std::uint64_t>(all[i + 5]);
    s.newlines_before[1] = static_cast<std::uint64_t>(all[i + 6]);
  }

  // Exclusive scans of quote and line-feed counts give each chunk its quote state and line.
  std::vector<std::optional<std::uint64_t>> boundaries(plan.parts);
  std::vector<std::uint64_t> boundary_line(plan.parts, 0);
  std::uint64_t quotes_before = 0, newlines_before = 0;
  for (std::uint64_t p = 0; p < plan.parts; ++p) {
    const int state = static_cast<int>(quotes_before % 2);
    if (scans[p].boundary[state] != 0) {
      boundaries[p] = scans[p].boundary[state] - 1;
      boundary_line[p] = 1 + newlines_before + scans[p].newlines_before[state];
    }
    quotes_before += scans[p].quotes;
    newlines_before += scans[p].newlines;
  }
  const std::vector<ByteRange> ranges = resolve_ranges(boundaries, plan.header.data_begin, file.size());
  for (std::uint64_t p = rank; p < plan.parts; p += ranks) {
    CsvPart part{p, ranges[p], 0};
    // A range starts at its own chunk's boundary, or at the header's end when clamped to it.
    part.first_line = part.range.begin == plan.header.data_begin ? plan.header.data_first_line : boundary_line[p];
    plan.mine.push_back(part);
  }
  return plan;
}

void agree_on_first_failure(const mpi::Communicator& comm, std::uint64_t failed_part, const std::exception_ptr& error) {
  constexpr auto none = std::numeric_limits<std::int64_t>::max();
  const std::int64_t mine = failed_part == UINT64_MAX ? none : static_cast<std::int64_t>(failed_part);
  const std::int64_t first = comm.min(mine);
  mpi::agree(comm, [&] {
    if (first != none && mine == first) std::rethrow_exception(error);
  });
}

}  // namespace custseg::ingest
