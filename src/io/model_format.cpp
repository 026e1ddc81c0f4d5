#include "custseg/io/model_format.hpp"

#include <cctype>

#include "custseg/util/error.hpp"

namespace custseg::io {

std::string current_format_version() { return std::to_string(kFormatMajor) + "." + std::to_string(kFormatMinor); }

FormatVersion parse_format_version(const std::string& text, const std::string& path) {
  const auto dot = text.find('.');
  auto digits = [](const std::string& s) {
    if (s.empty() || s.size() > 6) return false;
    for (char ch : s)
      if (!std::isdigit(static_cast<unsigned char>(ch))) return false;
    return true;
  };
  if (dot == std::string::npos || !digits(text.substr(0, dot)) || !digits(text.substr(dot + 1)))
    throw_input(path + ": format_version '" + text + "' is not MAJOR.MINOR (e.g. 1.0)");
  return FormatVersion{std::stoi(text.substr(0, dot)), std::stoi(text.substr(dot + 1))};
}

FormatVersion check_model_format(const std::string& format, const std::string& version, const std::string& path) {
  if (format != kResultsFormat)
    throw_input(path + " is not a custseg results file (format '" + format + "', expected '" + kResultsFormat + "')");
  const FormatVersion v = parse_format_version(version, path);
  if (v.major > kFormatMajor)
    throw_input(path + " was written by a newer custseg: format " + version + ", this build reads " +
                std::to_string(kFormatMajor) + ".x");
  if (v.major < 1) throw_input(path + ": format_version " + version + " is older than any custseg results file");
  return v;
}

}  // namespace custseg::io
