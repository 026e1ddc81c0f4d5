#pragma once
// RFC 4180 CSV records (pure, no MPI): quoted fields may hold commas, doubled quotes and line
// breaks; records end at LF or CRLF, and the last one may lack its line break.
//
// Strict on structure, because a lenient parser silently shifts columns: a quote inside an
// unquoted field, text after a closing quote, a lone CR, or a file that ends inside a quoted
// field are input errors naming the line. (Strictness also makes a quote's role decidable from
// the parity of the quotes before it, which byte-range splitting relies on; see byte_ranges.hpp.)
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

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
};

// Offset of the first byte that is not valid UTF-8 (overlong forms, surrogates and code points
// above U+10FFFF count as invalid), or nullopt if all of `bytes` is valid.
std::optional<std::size_t> find_invalid_utf8(std::string_view bytes);

// Length of a UTF-8 byte-order mark at the start of `bytes` (3), or 0.
std::size_t bom_length(std::string_view bytes);

// Field names of a header record, checked: no empty or duplicate names.
std::vector<std::string> header_names(const CsvRecord& header, const std::string& source);

}  // namespace custseg::ingest
