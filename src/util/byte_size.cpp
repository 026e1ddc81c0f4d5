#include "custseg/util/byte_size.hpp"

#include <cctype>
#include <limits>

#include "custseg/util/error.hpp"

namespace custseg {

std::uint64_t parse_byte_size(const std::string& text, const std::string& option) {
  const auto bad = [&] {
    throw_usage(option + " must be a size in bytes such as 1048576, 512M or 2G (got '" + text + "')");
  };
  const auto first = text.find_first_not_of(" \t");
  if (first != std::string::npos && text[first] == '-') throw_usage(option + " must not be negative (got " + text + ")");
  std::size_t i = 0;
  std::uint64_t value = 0;
  while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
    const std::uint64_t digit = static_cast<std::uint64_t>(text[i] - '0');
    if (value > (std::numeric_limits<std::uint64_t>::max() - digit) / 10) bad();
    value = value * 10 + digit;
    ++i;
  }
  if (i == 0) bad();
  std::string unit = text.substr(i);
  if (unit.size() >= 2 && (unit.substr(1) == "iB" || unit.substr(1) == "B")) unit = unit.substr(0, 1);
  int shift = 0;
  if (unit.empty() || unit == "B") shift = 0;
  else if (unit == "k" || unit == "K") shift = 10;
  else if (unit == "m" || unit == "M") shift = 20;
  else if (unit == "g" || unit == "G") shift = 30;
  else if (unit == "t" || unit == "T") shift = 40;
  else bad();
  if (shift > 0 && value > (std::numeric_limits<std::uint64_t>::max() >> shift)) bad();
  return value << shift;
}

}  // namespace custseg
