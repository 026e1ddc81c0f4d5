#include "custseg/util/progress.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <utility>

namespace custseg {

namespace {

double progress_interval() {
  const char* text = std::getenv("CUSTSEG_PROGRESS_SECONDS");
  if (text == nullptr || *text == '\0') return 5.0;
  char* end = nullptr;
  const double seconds = std::strtod(text, &end);
  return end != text && std::isfinite(seconds) && seconds >= 0 ? seconds : 5.0;
}

// 12,345,678 or 1.5e+12: counts with thousands separators while they fit.
std::string format_count(double value) {
  if (!(value >= 0) || value >= 1e15) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3g", value);
    return buf;
  }
  std::string digits = std::to_string(static_cast<long long>(std::llround(value)));
  for (int at = static_cast<int>(digits.size()) - 3; at > 0; at -= 3) digits.insert(static_cast<std::size_t>(at), ",");
  return digits;
}

}  // namespace

std::string format_duration(double seconds) {
  char buf[48];
  if (!(seconds >= 0)) seconds = 0;
  if (seconds < 60) {
    std::snprintf(buf, sizeof buf, "%.0f s", seconds);
  } else if (seconds < 3600) {
    const long s = std::lround(seconds);
    std::snprintf(buf, sizeof buf, "%ld min %02ld s", s / 60, s % 60);
  } else {
    const long m = std::lround(seconds / 60);
    std::snprintf(buf, sizeof buf, "%ld h %02ld min", m / 60, m % 60);
  }
  return buf;
}

Progress::Progress(const Logger& log, std::string phase, double total, std::string unit)
    : log_(log), phase_(std::move(phase)), unit_(std::move(unit)), total_(total), interval_(progress_interval()) {}

std::string Progress::line(double done, double elapsed) const {
  char pct[16];
  std::snprintf(pct, sizeof pct, "%.0f%%", total_ > 0 ? 100.0 * done / total_ : 100.0);
  char took[24];
  std::snprintf(took, sizeof took, "%.1f s", elapsed);
  std::string text = phase_ + ": " + format_count(done) + " of " + format_count(total_) + " " + unit_ + " (" + pct +
                     "), " + took + " elapsed";
  if (done > 0 && done < total_) text += ", ~" + format_duration(elapsed / done * (total_ - done)) + " left";
  return text;
}

void Progress::update(double done) {
  if (log_.level() == Verbosity::quiet || done >= total_) return;
  const double now = clock_.seconds();
  if (now - last_print_ < interval_) return;
  last_print_ = now;
  log_.info(line(done, now));
}

}  // namespace custseg
