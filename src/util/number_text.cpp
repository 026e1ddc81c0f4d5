#include "custseg/util/number_text.hpp"

#include <charconv>

namespace custseg {

std::string number_text(double v, std::optional<int> significant_digits) {
  char buf[64];
  // std::to_chars with a precision is specified as printf's %.*g in the "C" locale.
  const auto end = significant_digits
                       ? std::to_chars(buf, buf + sizeof buf, v, std::chars_format::general, *significant_digits).ptr
                       : std::to_chars(buf, buf + sizeof buf, v, std::chars_format::general).ptr;
  return {buf, end};
}

}  // namespace custseg
