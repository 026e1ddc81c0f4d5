#pragma once
// Parsing of single CSV values (pure): ids, exact decimals, timestamps. Each returns nullopt for
// text it does not accept, so callers can count the row instead of guessing.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace custseg::ingest {

// 128-bit integers (a GCC/Clang extension) for overflow-free products of parsed values.
__extension__ using Int128 = __int128;
__extension__ using UInt128 = unsigned __int128;

// Strips ASCII spaces and tabs at both ends.
std::string_view trim(std::string_view s);

// A non-negative integer id; "17850" and "17850.0" (a float export of an integer) are accepted,
// "17850.5", "-3" and "" are not.
std::optional<std::uint64_t> parse_id(std::string_view s);

// An exact decimal as an integer count of 10^-scale units: parse_fixed("2.55", 4) == 25500.
// Optional sign, digits, optional fraction; no exponent. More fractional digits than `scale`
// are accepted only if the extra ones are zeros, so the value is never rounded. Values beyond
// +-9.2e18 units are rejected.
std::optional<std::int64_t> parse_fixed(std::string_view s, int scale);

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil).
std::int64_t days_from_civil(std::int64_t year, unsigned month, unsigned day);
// "YYYY-MM-DD" of a day number.
std::string civil_from_days(std::int64_t days);

// Seconds since 1970-01-01 00:00 (no time zone) of "YYYY-MM-DD[( |T)HH:MM[:SS]]" or
// "M/D/YYYY[ H:MM[:SS]]" (the common spreadsheet export). Checks field ranges (no 2/30).
std::optional<std::int64_t> parse_timestamp(std::string_view s);

// A number written with `decimal` (',' or '.') as its decimal mark, rewritten with '.': under
// ',' the '.' may only group thousands ("1.234.567,89" -> "1234567.89", "1.5" is refused, as is
// any exponent). Under '.' the text is returned unchanged. nullopt: not a number of that form.
std::optional<std::string> with_decimal_point(std::string_view s, char decimal);

// parse_fixed of a number written with `decimal` as its decimal mark.
std::optional<std::int64_t> parse_fixed(std::string_view s, int scale, char decimal);

// How dates are read (--date-format). "auto" (the default) is parse_timestamp's two forms;
// anything else is a strptime(3) format such as "%d/%m/%Y", "%m/%d/%Y %H:%M" or "%Y%m%d", matched
// against the whole field (blanks at both ends ignored), with day-of-month checked against the
// month. We use glibc's strptime (a well-kept, locale-aware parser already linked) because GCC
// 12's <chrono> lacks std::chrono::parse; the format language is the one users know from
// strftime, pandas and spreadsheets.
class DateFormat {
 public:
  DateFormat() : DateFormat("auto") {}
  explicit DateFormat(std::string format);
  [[nodiscard]] std::optional<std::int64_t> parse(std::string_view s) const;  // seconds since 1970
  [[nodiscard]] const std::string& text() const { return format_; }
  // For a value this format refuses: the format with day and month swapped when that reads it
  // (a day-first file read month-first, or the reverse); nullopt otherwise. A file whose days
  // are all <= 12 cannot be told apart; the first day > 12 can, and must stop the job rather
  // than be set aside while the other rows are silently misread.
  [[nodiscard]] std::optional<std::string> contradicting_format(std::string_view s) const;

 private:
  std::string format_;
  bool auto_ = true;
};

// True when `format` is "auto" or a strptime format with at least a year, month and day field
// (%Y/%y, %m/%b/%B, %d/%e) and nothing strptime does not know; the reason otherwise.
std::optional<std::string> date_format_problem(const std::string& format);

// Floor division of seconds to days (correct before 1970 too).
inline std::int64_t day_of(std::int64_t seconds) { return seconds >= 0 ? seconds / 86400 : -((-seconds + 86399) / 86400); }

// "YYYY-MM-DD HH:MM:SS" of a timestamp.
std::string format_timestamp(std::int64_t seconds);

}  // namespace custseg::ingest
