#include "custseg/ingest/values.hpp"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <ctime>
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

std::optional<std::string> with_decimal_point(std::string_view s, char decimal) {
  s = trim(s);
  if (decimal == '.') return std::string(s);
  std::string out;
  if (!s.empty() && (s.front() == '-' || s.front() == '+')) {
    out.push_back(s.front());
    s.remove_prefix(1);
  }
  const auto comma = s.find(',');
  const std::string_view whole = s.substr(0, comma);
  // Thousands groups: the first of 1..3 digits, every later one of exactly 3.
  std::size_t group = 0, groups = 0;
  for (const char c : whole) {
    if (c == '.') {
      if (group == 0 || (groups > 0 && group != 3) || group > 3) return std::nullopt;
      ++groups;
      group = 0;
    } else if (is_digit(c)) {
      out.push_back(c);
      ++group;
    } else {
      return std::nullopt;
    }
  }
  if (groups > 0 && group != 3) return std::nullopt;
  if (comma != std::string_view::npos) {
    const std::string_view fraction = s.substr(comma + 1);
    if (fraction.empty() && whole.empty()) return std::nullopt;
    out.push_back('.');
    for (const char c : fraction) {
      if (!is_digit(c)) return std::nullopt;
      out.push_back(c);
    }
  } else if (whole.empty()) {
    return std::nullopt;
  }
  return out;
}

std::optional<std::int64_t> parse_fixed(std::string_view s, int scale, char decimal) {
  if (decimal == '.') return parse_fixed(s, scale);
  const auto text = with_decimal_point(s, decimal);
  if (!text) return std::nullopt;
  return parse_fixed(*text, scale);
}

namespace {

// strptime over the whole of `s`; seconds since 1970 when every field is in range.
std::optional<std::int64_t> parse_with(const std::string& format, std::string_view s) {
  const std::string text(trim(s));  // strptime needs a terminated string
  std::tm tm{};
  tm.tm_mday = 1;  // a format without a day means the first
  const char* end = ::strptime(text.c_str(), format.c_str(), &tm);
  if (end == nullptr || *end != '\0') return std::nullopt;
  const std::int64_t year = static_cast<std::int64_t>(tm.tm_year) + 1900;
  const auto month = static_cast<unsigned>(tm.tm_mon + 1);
  if (month < 1 || month > 12 || tm.tm_mday < 1 || static_cast<unsigned>(tm.tm_mday) > days_in_month(year, month))
    return std::nullopt;
  if (tm.tm_hour > 23 || tm.tm_min > 59 || tm.tm_sec > 59) return std::nullopt;
  return days_from_civil(year, month, static_cast<unsigned>(tm.tm_mday)) * 86400 + tm.tm_hour * 3600 +
         tm.tm_min * 60 + tm.tm_sec;
}

// The format with its day and month directives exchanged (%d <-> %m, %e counts as a day);
// empty unless both come before the year: day/month/year and month/day/year are the pair
// people confuse, while a swapped year-first form (%Y-%d-%m) is not a format anyone writes.
std::string swap_day_month(const std::string& format) {
  std::string out = format;
  std::size_t day = std::string::npos, month = std::string::npos, year = std::string::npos;
  for (std::size_t i = 0; i + 1 < out.size(); ++i) {
    if (out[i] != '%') continue;
    if (out[i + 1] == 'd' || out[i + 1] == 'e') day = i + 1;
    if (out[i + 1] == 'm') month = i + 1;
    if ((out[i + 1] == 'Y' || out[i + 1] == 'y') && year == std::string::npos) year = i + 1;
    ++i;  // skip the directive (and "%%")
  }
  if (day == std::string::npos || month == std::string::npos || year == std::string::npos || day > year || month > year)
    return {};
  out[day] = 'm';
  out[month] = 'd';
  return out;
}

}  // namespace

DateFormat::DateFormat(std::string format) : format_(std::move(format)), auto_(format_ == "auto") {}

std::optional<std::int64_t> DateFormat::parse(std::string_view s) const {
  return auto_ ? parse_timestamp(s) : parse_with(format_, s);
}

std::optional<std::string> DateFormat::contradicting_format(std::string_view s) const {
  if (!auto_) {
    const std::string swapped = swap_day_month(format_);
    if (swapped.empty() || !parse_with(swapped, s)) return std::nullopt;
    return swapped;
  }
  // The automatic M/D/YYYY[ H:MM[:SS]] form read day-first.
  const std::string_view t = trim(s);
  const auto colons = std::count(t.begin(), t.end(), ':');
  const std::string day_first = colons == 0 ? "%d/%m/%Y" : colons == 1 ? "%d/%m/%Y %H:%M" : "%d/%m/%Y %H:%M:%S";
  if (t.find('/') == std::string_view::npos || !parse_with(day_first, t)) return std::nullopt;
  return day_first;
}

std::optional<std::string> date_format_problem(const std::string& format) {
  if (format == "auto") return std::nullopt;
  bool year = false, month = false, day = false;
  static const std::string known = "YymbBhdeHIMSpjaAnt%";
  for (std::size_t i = 0; i < format.size(); ++i) {
    if (format[i] != '%') continue;
    if (i + 1 >= format.size()) return std::string("a lone '%' at the end");
    const char c = format[++i];
    if (known.find(c) == std::string::npos) {
      std::string why = "%";  // appended, not concatenated: GCC 12 warns falsely (-Wrestrict) on the latter
      why += c;
      return why + " is not a supported directive";
    }
    year = year || c == 'Y' || c == 'y';
    month = month || c == 'm' || c == 'b' || c == 'B' || c == 'h';
    day = day || c == 'd' || c == 'e';
  }
  if (!year || !month || !day) return std::string("it needs a year (%Y), a month (%m) and a day (%d)");
  return std::nullopt;
}

}  // namespace custseg::ingest
