#pragma once
// A CSV file read by all ranks together: each rank parses its own byte ranges (byte_ranges.hpp)
// in bounded memory, with global line numbers for messages.
#include <cstdint>
#include <exception>
#include <string>
#include <vector>

#include "custseg/ingest/byte_ranges.hpp"
#include "custseg/ingest/csv.hpp"
#include "custseg/mpi/communicator.hpp"
#include "custseg/util/progress.hpp"

namespace custseg::ingest {

// Positional reads (pread) of one file; no MPI.
class InputFile {
 public:
  // Throws an input error if the path is missing, a directory, or unreadable.
  explicit InputFile(std::string path);
  ~InputFile();
  InputFile(const InputFile&) = delete;
  InputFile& operator=(const InputFile&) = delete;
  [[nodiscard]] std::uint64_t size() const { return size_; }
  [[nodiscard]] const std::string& path() const { return path_; }
  [[nodiscard]] std::string read(std::uint64_t offset, std::uint64_t length) const;

 private:
  std::string path_;
  int fd_ = -1;
  std::uint64_t size_ = 0;
};

struct CsvHeader {
  std::vector<std::string> names;
  CsvDialect dialect;
  std::uint64_t data_begin = 0;       // byte offset of the first data record
  std::uint64_t data_first_line = 2;  // its line number
};

// Parses the header record (skipping a UTF-8 byte-order mark). Input errors for an empty file,
// a file with a header and nothing else, a malformed header, or (spec.sniff) a one-column
// header that looks written with another delimiter. No MPI.
CsvHeader read_header(const InputFile& file, const HeaderSpec& spec = {});

// One range of the split, owned by one rank.
struct CsvPart {
  std::uint64_t index = 0;  // position in file order
  ByteRange range;
  std::uint64_t first_line = 0;  // line number of the range's first byte
};

struct CsvPlan {
  CsvHeader header;
  std::uint64_t parts = 0;
  std::vector<CsvPart> mine;             // this rank's parts, in file order (part % size == rank)
  std::uint64_t max_parts_per_rank = 0;  // for loops whose steps are collective
};

// Collective. Chooses max(ranks, ceil(file size / block_bytes)) parts, locates their record
// boundaries with one pass over each rank's chunks and one allgather, and numbers their lines.
// Errors (missing file, empty file, header only, ...) are agreed: every rank throws the same.
CsvPlan plan_csv_parts(const mpi::Communicator& comm, const InputFile& file, std::uint64_t block_bytes,
                       const HeaderSpec& spec = {});

// Reads one part, checks it is text (parse_records in csv.hpp), parses it and calls on_record(record) for every non-blank
// record after checking it has as many fields as the header. Input errors name the line. No MPI.
template <class OnRecord>
PartStats parse_part(const InputFile& file, const CsvPlan& plan, const CsvPart& part, OnRecord&& on_record);

// Collective: parse_part over all of this rank's parts, in file order. When the input is
// malformed (or on_record throws), every rank throws the error of the failing part that comes
// first in the file. Parts before the first error start on true record boundaries (their quote
// parity is still right), so that is exactly the error a serial parse meets first: the message
// does not depend on the rank count or the block size.
// on_part_done(part, stats) follows each part that parsed completely.
struct IgnorePart {
  void operator()(const CsvPart&, const PartStats&) const {}
};
template <class OnRecord, class OnPartDone = IgnorePart>
PartStats parse_my_parts(const mpi::Communicator& comm, const InputFile& file, const CsvPlan& plan, OnRecord&& on_record,
                         OnPartDone&& on_part_done = {});

// on_part_done for parse_my_parts: a progress line with the time left, by bytes of this rank's
// parts (util/progress.hpp; rank 0's share stands for the job's).
class PartProgress {
 public:
  PartProgress(const Logger& log, const CsvPlan& plan, const std::string& label = "  parse")
      : progress_(log, label, bytes_of(plan), "bytes") {}
  void operator()(const CsvPart& part, const PartStats&) {
    done_ += static_cast<double>(part.range.size());
    progress_.update(done_);
  }

 private:
  static double bytes_of(const CsvPlan& plan) {
    double bytes = 0;
    for (const CsvPart& part : plan.mine) bytes += static_cast<double>(part.range.size());
    return bytes;
  }
  Progress progress_;
  double done_ = 0;
};

// --- implementation of the templates ---
// Agrees on the earliest failing part (failed_part: this rank's, or UINT64_MAX) and throws its error on every rank.
void agree_on_first_failure(const mpi::Communicator& comm, std::uint64_t failed_part, const std::exception_ptr& error);

template <class OnRecord, class OnPartDone>
PartStats parse_my_parts(const mpi::Communicator& comm, const InputFile& file, const CsvPlan& plan, OnRecord&& on_record,
                         OnPartDone&& on_part_done) {
  PartStats total;
  std::uint64_t failed_part = UINT64_MAX;
  std::exception_ptr error;
  for (const CsvPart& part : plan.mine) {
    try {
      const PartStats s = parse_part(file, plan, part, on_record);
      total.records += s.records;
      total.blank_lines += s.blank_lines;
      on_part_done(part, s);
    } catch (...) {
      failed_part = part.index;
      error = std::current_exception();
      break;
    }
  }
  agree_on_first_failure(comm, failed_part, error);  // all ranks must reach this
  return total;
}

template <class OnRecord>
PartStats parse_part(const InputFile& file, const CsvPlan& plan, const CsvPart& part, OnRecord&& on_record) {
  if (part.range.size() == 0) return {};
  const std::string bytes = file.read(part.range.begin, part.range.size());
  return parse_records(bytes, part.first_line, part.range.begin, file.path(), plan.header.dialect,
                       plan.header.names.size(), on_record);
}

}  // namespace custseg::ingest
