#include "custseg/ingest/csv.hpp"

#include <algorithm>
#include <cstring>
#include <set>

#include "custseg/util/error.hpp"

namespace custseg::ingest {

std::vector<std::string> CsvRecord::fields() const {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < size(); ++i) out.emplace_back(field(i));
  return out;
}

std::optional<CsvDialect> parse_dialect(std::string_view name) {
  if (name == "," || name == ";" || name == "|") return CsvDialect{name[0], false};
  if (name == "tab" || name == "\t" || name == "\\t") return CsvDialect{'\t', false};
  if (name == "whitespace") return CsvDialect{' ', true};
  return std::nullopt;
}

std::string dialect_name(const CsvDialect& d) {
  if (d.whitespace) return "whitespace";
  if (d.delimiter == '\t') return "tab";
  return std::string(1, d.delimiter);
}

std::optional<CsvDialect> likely_dialect(std::string_view line) {
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
  for (const char c : {';', '\t', '|'})
    if (line.find(c) != std::string_view::npos) return CsvDialect{c, false};
  // Blanks alone separate words in ordinary names ("Annual Income"); a leading blank or a run of
  // two is how whitespace-aligned files look.
  const auto first = line.find_first_not_of(' ');
  if (first != std::string_view::npos && (first > 0 || line.find("  ") != std::string_view::npos))
    return CsvDialect{' ', true};
  return std::nullopt;
}

CsvParser::CsvParser(std::string_view text, std::uint64_t first_line, std::string source, CsvDialect dialect)
    : text_(text), line_(first_line), source_(std::move(source)), dialect_(dialect) {}

void CsvParser::fail(const std::string& what) const { throw_input(source_ + ": " + what); }

// A quoted field: copy up to each quote; a doubled quote is a literal quote.
void CsvParser::quoted_field(CsvRecord& r) {
  const std::size_t n = text_.size();
  const char* data = text_.data();
  r.quoted_ = true;
  const std::uint64_t start_line = line_;
  ++pos_;
  for (;;) {
    const void* hit = pos_ < n ? std::memchr(data + pos_, '"', n - pos_) : nullptr;
    if (!hit) {
      ran_out_ = true;
      fail("unbalanced quotes: the quoted field that starts on line " + std::to_string(start_line) +
           " is never closed");
    }
    const std::size_t q = static_cast<std::size_t>(static_cast<const char*>(hit) - data);
    line_ += static_cast<std::uint64_t>(std::count(data + pos_, data + q, '\n'));
    r.buffer_.append(data + pos_, q - pos_);
    pos_ = q + 1;
    if (pos_ < n && data[pos_] == '"') {
      r.buffer_.push_back('"');
      ++pos_;
      continue;
    }
    break;
  }
  if (pos_ < n && data[pos_] != dialect_.delimiter && data[pos_] != '\n' && data[pos_] != '\r')
    fail("unbalanced quotes: text follows the closing quote of the quoted field that starts on line " +
         std::to_string(start_line) + " (on line " + std::to_string(line_) +
         "; a quote inside a quoted field must be doubled)");
}

void CsvParser::plain_field(CsvRecord& r) {
  const std::size_t n = text_.size();
  const char* data = text_.data();
  const std::size_t begin = pos_;
  while (pos_ < n) {
    const char c = data[pos_];
    if (c == dialect_.delimiter || c == '\n' || c == '\r') break;
    if (c == '"')
      fail("unbalanced quotes: a quote inside an unquoted field on line " + std::to_string(line_) +
           " (RFC 4180: quote the whole field and double the quote)");
    ++pos_;
  }
  r.buffer_.append(data + begin, pos_ - begin);
}

bool CsvParser::next(CsvRecord& r) {
  const std::size_t n = text_.size();
  if (pos_ >= n) return false;
  r.buffer_.clear();
  r.ends_.clear();
  r.line_ = line_;
  r.quoted_ = false;
  if (dialect_.whitespace) return next_whitespace(r);
  const char* data = text_.data();
  for (;;) {
    if (pos_ < n && data[pos_] == '"') quoted_field(r);
    else plain_field(r);
    r.ends_.push_back(r.buffer_.size());
    if (pos_ >= n) return true;  // last record without a line break
    const char c = data[pos_];
    if (c == dialect_.delimiter) {
      ++pos_;
      continue;
    }
    if (c == '\r') {
      if (pos_ + 1 < n && data[pos_ + 1] == '\n') {
        pos_ += 2;
        ++line_;
        return true;
      }
      fail("a carriage return not followed by a line feed on line " + std::to_string(line_) +
           " (only LF and CRLF line breaks are supported)");
    }
    ++pos_;  // '\n'
    ++line_;
    return true;
  }
}

// One line of a whitespace-separated file: fields are the runs of other characters. A line of
// blanks only is a blank record (one empty field), like an empty line in a CSV.
bool CsvParser::next_whitespace(CsvRecord& r) {
  const std::size_t n = text_.size();
  const char* data = text_.data();
  const std::size_t eol = std::min(n, static_cast<std::size_t>(std::find(data + pos_, data + n, '\n') - data));
  std::size_t end = eol;
  if (end > pos_ && data[end - 1] == '\r') --end;
  for (std::size_t i = pos_; i < end;) {
    const char c = data[i];
    if (c == ' ' || c == '\t') {
      ++i;
      continue;
    }
    std::size_t j = i;
    while (j < end && data[j] != ' ' && data[j] != '\t') ++j;
    const std::string_view field(data + i, j - i);
    if (field.find('"') != std::string_view::npos || field.find('\r') != std::string_view::npos)
      fail("line " + std::to_string(line_) + ": " +
           (field.find('"') != std::string_view::npos ? std::string("a quote in a whitespace-separated file (it has no quoting)")
                                                     : std::string("a carriage return not followed by a line feed")));
    r.buffer_.append(field);
    r.ends_.push_back(r.buffer_.size());
    i = j;
  }
  if (r.ends_.empty()) r.ends_.push_back(0);
  pos_ = eol < n ? eol + 1 : n;
  if (eol < n) ++line_;
  return true;
}

std::optional<std::size_t> find_invalid_utf8(std::string_view s) {
  const auto* b = reinterpret_cast<const unsigned char*>(s.data());
  const std::size_t n = s.size();
  std::size_t i = 0;
  while (i < n) {
    const unsigned char c = b[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t len = 0;
    std::uint32_t cp = 0;
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
      cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      cp = c & 0x07;
    } else {
      return i;  // continuation byte without a lead, or 0xC0/0xC1/0xF5+ (never valid)
    }
    if (i + len > n) return i;
    for (std::size_t k = 1; k < len; ++k) {
      if ((b[i + k] & 0xC0) != 0x80) return i;
      cp = (cp << 6) | (b[i + k] & 0x3F);
    }
    const bool overlong = (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000);
    if (overlong || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) return i;
    i += len;
  }
  return std::nullopt;
}

std::optional<TextProblem> find_text_problem(std::string_view bytes) {
  const void* nul = std::memchr(bytes.data(), '\0', bytes.size());
  const std::size_t nul_at = nul ? static_cast<std::size_t>(static_cast<const char*>(nul) - bytes.data()) : bytes.size();
  if (const auto bad = find_invalid_utf8(bytes.substr(0, nul_at))) return TextProblem{*bad, false};
  if (nul) return TextProblem{nul_at, true};
  return std::nullopt;
}

std::string text_problem_message(const std::string& source, const TextProblem& problem, std::uint64_t line,
                                 std::uint64_t file_offset) {
  if (problem.nul)
    return source + " line " + std::to_string(line) + ": NUL byte (this is not a text CSV; is it UTF-16 or a " +
           "binary file? save it as UTF-8 CSV) at byte offset " + std::to_string(file_offset);
  return source + ": invalid UTF-8 on line " + std::to_string(line) + " (byte offset " + std::to_string(file_offset) +
         "); the file must be UTF-8 encoded";
}

std::size_t bom_length(std::string_view bytes) {
  return bytes.size() >= 3 && bytes.substr(0, 3) == "\xEF\xBB\xBF" ? 3 : 0;
}

void fail_ragged(const std::string& source, const CsvRecord& record, std::size_t expected) {
  throw_input(source + ": line " + std::to_string(record.line()) + " has " + std::to_string(record.size()) +
              " fields but the header has " + std::to_string(expected) + " (ragged row)");
}

void fail_record_too_long(const std::string& source, const CsvRecord& record) {
  throw_input(source + ": line " + std::to_string(record.line()) + " is longer than " +
              std::to_string(kMaxRecordBytes >> 20) + " MiB; a field with an unclosed quote, or not a CSV file?");
}

std::vector<std::string> header_names(const CsvRecord& header, const std::string& source) {
  std::vector<std::string> names = header.fields();
  std::set<std::string> seen;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (names[i].empty()) throw_input(source + ": header column " + std::to_string(i + 1) + " has no name");
    if (!seen.insert(names[i]).second) throw_input(source + ": header names column '" + names[i] + "' twice");
  }
  return names;
}

}  // namespace custseg::ingest
