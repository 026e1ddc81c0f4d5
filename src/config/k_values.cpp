#include "custseg/config/k_values.hpp"

#include <algorithm>
#include <charconv>

#include "custseg/util/error.hpp"

namespace custseg::config {

namespace {

const char* kForms = "MIN:MAX, MIN-MAX or a list such as 2,4,6";

[[noreturn]] void refuse(const std::string& text, const std::string& why) {
  throw_usage("--k must be " + std::string(kForms) + " (got '" + text + "'): " + why);
}

// One whole number >= 1, every character of PART used.
std::int64_t parse_k(const std::string& text, const std::string& part) {
  std::int64_t k = 0;
  const auto [end, ec] = std::from_chars(part.data(), part.data() + part.size(), k);
  if (part.empty() || ec != std::errc() || end != part.data() + part.size())
    refuse(text, "'" + part + "' is not a whole number");
  if (k < 1) refuse(text, "every k must be at least 1");
  return k;
}

std::vector<std::int64_t> split_list(const std::string& text) {
  std::vector<std::int64_t> ks;
  std::size_t start = 0;
  for (std::size_t comma = text.find(','); start <= text.size(); comma = text.find(',', start)) {
    const std::size_t end = comma == std::string::npos ? text.size() : comma;
    ks.push_back(parse_k(text, text.substr(start, end - start)));
    start = end + 1;
  }
  std::sort(ks.begin(), ks.end());
  ks.erase(std::unique(ks.begin(), ks.end()), ks.end());
  return ks;
}

std::vector<std::int64_t> expand_range(const std::string& text, std::size_t separator) {
  const std::int64_t lo = parse_k(text, text.substr(0, separator));
  const std::int64_t hi = parse_k(text, text.substr(separator + 1));
  if (hi < lo) refuse(text, "MAX is below MIN");
  if (hi - lo >= static_cast<std::int64_t>(kMaxSweepValues))
    refuse(text, "more than " + std::to_string(kMaxSweepValues) + " values of k");
  std::vector<std::int64_t> ks;
  for (std::int64_t k = lo; k <= hi; ++k) ks.push_back(k);
  return ks;
}

}  // namespace

std::vector<std::int64_t> parse_k_values(const std::string& text) {
  const std::size_t separator = text.find_first_of(":-");
  const bool range = separator != std::string::npos && text.find(',') == std::string::npos;
  const std::vector<std::int64_t> ks = range ? expand_range(text, separator) : split_list(text);
  if (ks.size() < 2)
    refuse(text, "a sweep needs at least two values of k; for one k run 'custseg segment --k " +
                     std::to_string(ks.front()) + "'");
  if (ks.size() > kMaxSweepValues) refuse(text, "more than " + std::to_string(kMaxSweepValues) + " values of k");
  return ks;
}

}  // namespace custseg::config
