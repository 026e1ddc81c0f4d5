#pragma once
// RFC 4180 CSV records (pure, no MPI): quoted fields may hold commas, doubled quotes and line
// breaks; records end at LF or CRLF, and the last one may lack its line break.
//
// Strict on structure, because a lenient parser silently shifts columns: a quote inside an
// unquoted field, text after a closing quote, a lone CR, or a file that ends inside a quoted
// field are input errors naming the line. (Strictness also makes a quote's role decidable from
// the parity of the quotes before it, which byte-range splitting relies on; see byte_ranges.hpp.)
#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "custseg/util/error.hpp"

namespace custseg::ingest {

// How fields are separated. A character delimiter (',' ';' '\t' '|') keeps RFC 4180 quoting;
// `whitespace` splits on runs of spaces and tabs and ignores them at both ends of a line, as
// fixed-width-looking panel files do (CDNOW: " 00001 19970101  1   11.77"). Such files have no
// quoting convention, so a quote there is an input error rather than a guess.
struct CsvDialect {
  char delimiter = ',';
  bool whitespace = false;
};

// "," ";" "|" "tab" (or a literal tab) and "whitespace"; nullopt for anything else.
std::optional<CsvDialect> parse_dialect(std::string_view name);
// How --delimiter spells a dialect in messages: ";" "tab" "whitespace" ...
std::string dialect_name(const CsvDialect& dialect);

// The dialect a one-column header was probably written in, when it holds another common
// delimiter (';', tab, '|', or runs of blanks between words): a ','-read file with one column
// is far more often a European export than a genuine one-column table. nullopt: no sign of one.
std::optional<CsvDialect> likely_dialect(std::string_view header_line);

// How to read the first line. `sniff` (the default dialect was not chosen explicitly) refuses a
// one-column header that holds another common delimiter. Non-empty `names` means the file has
// no header line: these name its columns and line 1 is data.
struct HeaderSpec {
  CsvDialect dialect;
  bool sniff = true;
  std::vector<std::string> names;
};

// One parsed record. Field bytes (quotes removed, doubled quotes undoubled) live in one buffer,
// so parsing a record allocates nothing once the buffer has grown.
class CsvRecord {
 public:
  [[nodiscard]] std::size_t size() const { return ends_.size(); }
  [[nodiscard]] std::string_view field(std::size_t i) const {
    const std::size_t begin = i == 0 ? 0 : ends_[i - 1];
    return {buffer_.data() + begin, ends_[i] - begin};
  }
  // Physical line (1-based, as an editor counts them) on which the record starts.
  [[nodiscard]] std::uint64_t line() const { return line_; }
  // A line with nothing on it: one empty, unquoted field.
  [[nodiscard]] bool blank() const { return ends_.size() == 1 && ends_[0] == 0 && !quoted_; }
  [[nodiscard]] std::vector<std::string> fields() const;

 private:
  friend class CsvParser;
  std::string buffer_;
  std::vector<std::size_t> ends_;
  std::uint64_t line_ = 0;
  bool quoted_ = false;
};

class CsvParser {
 public:
  // Parses `text`, whose first byte is the start of a record on line `first_line`. `source`
  // names the file in error messages.
  CsvParser(std::string_view text, std::uint64_t first_line, std::string source, CsvDialect dialect = {});
  // The next record; false at the end of the text. Throws custseg::Error (input) on malformed CSV.
  bool next(CsvRecord& record);
  // Byte offset of the next unparsed record within the text.
  [[nodiscard]] std::size_t position() const { return pos_; }
  [[nodiscard]] std::uint64_t line() const { return line_; }
  // True after next() threw because the text ended inside a quoted field.
  [[nodiscard]] bool ran_out() const { return ran_out_; }

 private:
  [[noreturn]] void fail(const std::string& what) const;
  void quoted_field(CsvRecord& record);
  void plain_field(CsvRecord& record);
  bool next_whitespace(CsvRecord& record);
  std::string_view text_;
  std::size_t pos_ = 0;
  std::uint64_t line_ = 1;
  std::string source_;
  CsvDialect dialect_;
  bool ran_out_ = false;
};

// Offset of the first byte that is not valid UTF-8 (overlong forms, surrogates and code points
// above U+10FFFF count as invalid), or nullopt if all of `bytes` is valid.
std::optional<std::size_t> find_invalid_utf8(std::string_view bytes);

// Where a CSV stops being text: the offset of the first NUL byte or of the first byte that is not
// valid UTF-8, whichever comes first, with what is wrong there; nullopt for clean text. A NUL is
// valid UTF-8 but never part of a text export (it is what UTF-16 files and binary files look
// like), so accepting it would turn such files into garbage rows instead of one clear error.
struct TextProblem {
  std::size_t offset = 0;
  bool nul = false;  // else invalid UTF-8
};
std::optional<TextProblem> find_text_problem(std::string_view bytes);
// The input error's message for a problem found on `line` at byte `file_offset` of `source`.
std::string text_problem_message(const std::string& source, const TextProblem& problem, std::uint64_t line,
                                 std::uint64_t file_offset);

// The longest header line read_header accepts (bytes): a "header" longer than this is a file
// without line breaks (binary, or a single giant line), refused before it is read into memory.
constexpr std::size_t kMaxHeaderBytes = std::size_t{16} << 20;
// The longest data record accepted (bytes, quoted line breaks included): no customer export has
// a 16 MiB row, and a longer one (a runaway quote, a binary blob) would become a category label
// that no HDF5 attribute can hold. Refused naming its line.
constexpr std::size_t kMaxRecordBytes = std::size_t{16} << 20;
[[noreturn]] void fail_record_too_long(const std::string& source, const CsvRecord& record);

// Length of a UTF-8 byte-order mark at the start of `bytes` (3), or 0.
std::size_t bom_length(std::string_view bytes);

// Field names of a header record, checked: no empty or duplicate names.
std::vector<std::string> header_names(const CsvRecord& header, const std::string& source);

[[noreturn]] void fail_ragged(const std::string& source, const CsvRecord& record, std::size_t expected);

struct PartStats {
  std::uint64_t records = 0;      // data records handed to the callback
  std::uint64_t blank_lines = 0;  // empty lines, skipped (and counted)
};

// One part of a file (`bytes`, starting on a record boundary at byte `file_offset`, line
// `first_line`) checked and parsed: on_record(record) for every non-blank record, after checking
// it has `width` fields. The input error thrown is the first problem in the bytes, in file order:
// a malformed record before a NUL or invalid UTF-8 byte is reported, not the byte. So a serial
// parse and any split into parts (the first failing part wins) report the same error.
template <class OnRecord>
PartStats parse_records(std::string_view bytes, std::uint64_t first_line, std::uint64_t file_offset,
                        const std::string& source, CsvDialect dialect, std::size_t width, OnRecord&& on_record) {
  PartStats stats;
  const auto bad = find_text_problem(bytes);
  // Parse only up to the bad byte; the record it cuts is incomplete and neither judged nor used.
  const std::string_view text = bad ? bytes.substr(0, bad->offset) : bytes;
  CsvParser parser(text, first_line, source, dialect);
  CsvRecord record;
  try {
    for (std::size_t start = parser.position(); parser.next(record); start = parser.position()) {
      if (bad && parser.position() == text.size() && text.back() != '\n') break;
      if (parser.position() - start > kMaxRecordBytes) fail_record_too_long(source, record);
      if (record.blank() && width != 1) {
        ++stats.blank_lines;
        continue;
      }
      if (record.size() != width) fail_ragged(source, record, width);
      ++stats.records;
      on_record(record);
    }
  } catch (const Error&) {
    if (!bad || !parser.ran_out()) throw;  // a quote "never closed" at the cut is the bad byte's doing
  }
  if (bad) {
    const std::uint64_t line = first_line + static_cast<std::uint64_t>(std::count(text.begin(), text.end(), '\n'));
    throw_input(text_problem_message(source, *bad, line, file_offset + bad->offset));
  }
  return stats;
}

}  // namespace custseg::ingest
