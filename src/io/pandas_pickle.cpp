#include "custseg/io/pandas_pickle.hpp"

#include <cctype>
#include <cstdint>

namespace custseg::io {

namespace {

void append_utf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// raw-unicode-escape: \uXXXX and \UXXXXXXXX are code points, every other byte is Latin-1.
std::optional<std::string> decode_raw_unicode_escape(const std::string& text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    const std::size_t digits = (c == '\\' && i + 1 < text.size()) ? (text[i + 1] == 'u' ? 4 : text[i + 1] == 'U' ? 8 : 0) : 0;
    if (digits == 0) {
      append_utf8(out, static_cast<unsigned char>(c));
      continue;
    }
    if (i + 2 + digits > text.size()) return std::nullopt;
    std::uint32_t cp = 0;
    for (std::size_t d = 0; d < digits; ++d) {
      const char h = text[i + 2 + d];
      if (!std::isxdigit(static_cast<unsigned char>(h))) return std::nullopt;
      cp = cp * 16 + static_cast<std::uint32_t>(std::isdigit(static_cast<unsigned char>(h)) ? h - '0' : std::tolower(h) - 'a' + 10);
    }
    if (cp > 0x10FFFF) return std::nullopt;
    append_utf8(out, cp);
    i += 1 + digits;
  }
  return out;
}

// Opcodes that take the rest of their line as an argument (PUT, GET, INT, LONG, FLOAT, UNICODE).
bool takes_line(char op) { return op == 'p' || op == 'g' || op == 'I' || op == 'L' || op == 'F' || op == 'V'; }
// Opcodes without an argument that lists, tuples and None need.
bool bare(char op) { return op == '(' || op == 'l' || op == 't' || op == 'a' || op == 'e' || op == 'N' || op == ']' || op == ')'; }

}  // namespace

std::optional<std::vector<std::string>> pickled_strings(const std::string& pickle) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i < pickle.size()) {
    const char op = pickle[i++];
    if (op == '.') return i == pickle.size() ? std::optional(out) : std::nullopt;  // STOP ends the pickle
    if (bare(op)) continue;
    if (!takes_line(op)) return std::nullopt;  // protocol 2+ ('\x80'), or an object pandas never stores here
    const std::size_t end = pickle.find('\n', i);
    if (end == std::string::npos) return std::nullopt;
    if (op == 'V') {
      auto text = decode_raw_unicode_escape(pickle.substr(i, end - i));
      if (!text) return std::nullopt;
      out.push_back(std::move(*text));
    }
    i = end + 1;
  }
  return std::nullopt;  // no STOP: truncated
}

}  // namespace custseg::io
