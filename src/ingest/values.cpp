#include "custseg/ingest/values.hpp"

#include <charconv>
#include <cstdio>
#include <limits>

namespace custseg::ingest {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

namespace {
bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Consumes an unsigned decimal number of 1..max_digits digits from s at pos.
std::optional<unsigned> take_number(std::string_view s, std::size_t& pos, std::size_t min_digits, std::size_t max_digits) {
  unsigned value = 0;
  std::size_t digits = 0;
  while (pos < s.size() && is_digit(s[pos]) && digits < max_digits) {
    value = value * 10 + static_cast<unsigned>(s[pos] - '0');
    ++pos;
    ++digits;
  }
  if (digits < min_digits || (pos < s.size() && is_digit(s[pos]))) return std::nullopt;
  return value;
}

bool take_char(std::string_view s, std::size_t& pos, char c) {
  if (pos < s.size() && s[pos] == c) {
    ++pos;
    return true;
  }
  return false;
}

unsigned days_in_month(std::int64_t year, unsigned month) {
  static constexpr unsigned days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : days[month - 1];
}
}  // namespace

std::optional<std::uint64_t> parse_id(std::string_view s) {
  s = trim(s);
  if (s.empty() || !is_digit(s.front())) return std::nullopt;
  std::uint64_t value = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec != std::errc()) return std::nullopt;
  std::string_view rest(end, static_cast<std::size_t>(s.data() + s.size() - end));
  if (rest.empty()) return value;
  if (rest.front() != '.') return std::nullopt;
  rest.remove_prefix(1);
  for (char c : rest)
    if (c != '0') return std::nullopt;
  return value;
}

std::optional<std::int64_t> parse_fixed(std::string_view s, int scale) {
  s = trim(s);
  bool negative = false;
  if (!s.empty() && (s.front() == '-' || s.front() == '+')) {
    negative = s.front() == '-';
    s.remove_prefix(1);
  }
  const auto dot = s.find('.');
  const std::string_view whole = s.substr(0, dot);
  const std::string_view fraction = dot == std::string_view::npos ? std::string_view() : s.substr(dot + 1);
  if (whole.empty() && fraction.empty()) return std::nullopt;
  UInt128 units = 0;
  const UInt128 limit = static_cast<UInt128>(std::numeric_limits<std::int64_t>::max());
  for (char c : whole) {
    if (!is_digit(c)) return std::nullopt;
    units = units * 10 + static_cast<unsigned>(c - '0');
    if (units > limit) return std::nullopt;
  }
  for (std::size_t i = 0; i < fraction.size(); ++i) {
    const char c = fraction[i];
    if (!is_digit(c)) return std::nullopt;
    if (static_cast<int>(i) >= scale && c != '0') return std::nullopt;  // would need rounding
  }
  for (int i = 0; i < scale; ++i) {
    units = units * 10 + (static_cast<std::size_t>(i) < fraction.size() ? static_cast<unsigned>(fraction[static_cast<std::size_t>(i)] - '0') : 0U);
    if (units > limit) return std::nullopt;
  }
  const auto value = static_cast<std::int64_t>(units);
  return negative ? -value : value;
}

std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

std::string civil_from_days(std::int64_t z) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02u", static_cast<long long>(y + (m <= 2)), m, d);
  return buf;
}

std::optional<std::int64_t> parse_timestamp(std::string_view s) {
  s = trim(s);
  std::size_t pos = 0;
  std::optional<unsigned> year, month, day;
  const bool iso = s.size() >= 5 && s[4] == '-';
  if (iso) {
    year = take_number(s, pos, 4, 4);
    if (!year || !take_char(s, pos, '-')) return std::nullopt;
    month = take_number(s, pos, 2, 2);
    if (!month || !take_char(s, pos, '-')) return std::nullopt;
    day = take_number(s, pos, 2, 2);
  } else {
    month = take_number(s, pos, 1, 2);
    if (!month || !take_char(s, pos, '/')) return std::nullopt;
    day = take_number(s, pos, 1, 2);
    if (!day || !take_char(s, pos, '/')) return std::nullopt;
    year = take_number(s, pos, 4, 4);
  }
  if (!year || !month || !day || *month < 1 || *month > 12 || *day < 1 || *day > days_in_month(*year, *month))
    return std::nullopt;
  unsigned hour = 0, minute = 0, second = 0;
  if (pos < s.size()) {
    if (!(take_char(s, pos, ' ') || (iso && take_char(s, pos, 'T')))) return std::nullopt;
    const auto h = take_number(s, pos, iso ? 2 : 1, 2);
    if (!h || !take_char(s, pos, ':')) return std::nullopt;
    const auto mi = take_number(s, pos, 2, 2);
    if (!mi) return std::nullopt;
    hour = *h;
    minute = *mi;
    if (take_char(s, pos, ':')) {
      const auto se = take_number(s, pos, 2, 2);
      if (!se) return std::nullopt;
      second = *se;
    }
    if (pos != s.size() || hour > 23 || minute > 59 || second > 59) return std::nullopt;
  }
  return days_from_civil(*year, *month, *day) * 86400 + hour * 3600 + minute * 60 + second;
}

std::string format_timestamp(std::int64_t seconds) {
  const std::int64_t day = day_of(seconds);
  const std::int64_t rest = seconds - day * 86400;
  char buf[64];
  std::snprintf(buf, sizeof buf, " %02lld:%02lld:%02lld", static_cast<long long>(rest / 3600),
                static_cast<long long>(rest / 60 % 60), static_cast<long long>(rest % 60));
  return civil_from_days(day) + buf;
}

}  // namespace custseg::ingest
