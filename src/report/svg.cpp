#include "custseg/report/svg.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace custseg::report::svg {

std::string escape(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string format_number(double v) {
  if (!std::isfinite(v)) return "\u2013";
  char buf[64];
  if (std::abs(v) >= 1000) {  // thousands separators on every figure of four digits or more
    std::snprintf(buf, sizeof buf, "%.0f", std::abs(v));
    std::string digits = buf, grouped;
    for (std::size_t i = 0; i < digits.size(); ++i) {
      if (i > 0 && (digits.size() - i) % 3 == 0) grouped += ',';
      grouped += digits[i];
    }
    return (v < 0 ? "-" : "") + grouped;
  }
  if (std::abs(v) >= 100) std::snprintf(buf, sizeof buf, "%.0f", v);
  else std::snprintf(buf, sizeof buf, "%.3g", v);
  return buf;
}

std::string format_percent(double fraction, int decimals) {
  if (!std::isfinite(fraction)) return "\u2013";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f%%", decimals, 100.0 * fraction);
  return buf;
}

std::string coord(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

double text_width(const std::string& text, double font_px) {
  // Advance widths of DejaVu Sans in em, rounded up per class of character.
  double em = 0;
  for (const unsigned char ch : text) {
    if ((ch & 0xC0) == 0x80) continue;  // UTF-8 continuation byte: same character
    if (ch >= 'A' && ch <= 'Z') em += ch == 'I' ? 0.32 : (ch == 'M' || ch == 'W' ? 0.9 : 0.74);
    else if (ch >= '0' && ch <= '9') em += 0.64;
    else if (ch == 'm' || ch == 'w') em += 0.92;
    else if (ch == 'i' || ch == 'l' || ch == 'j' || ch == 'f' || ch == 't' || ch == 'r') em += 0.42;
    else if (ch >= 'a' && ch <= 'z') em += 0.63;
    else if (ch == ' ' || ch == ',' || ch == '.' || ch == ':' || ch == ';' || ch == '\'' || ch == '|') em += 0.34;
    else if (ch == '_' || ch == '(' || ch == ')' || ch == '-') em += 0.5;
    else em += 0.84;  // symbols and non-ASCII letters: wide
  }
  return em * font_px;
}

std::vector<std::string> wrap_text(const std::string& text, double max_px, double font_px, std::size_t max_lines) {
  std::vector<std::string> lines;
  std::string line;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t space = text.find(' ', start);
    const std::string word = text.substr(start, space == std::string::npos ? std::string::npos : space - start);
    const std::string joined = line.empty() ? word : line + ' ' + word;
    if (!line.empty() && lines.size() + 1 < max_lines && text_width(joined, font_px) > max_px) {
      lines.push_back(line);
      line = word;
    } else {
      line = joined;
    }
    if (space == std::string::npos) break;
    start = space + 1;
  }
  lines.push_back(line);
  return lines;
}

double Scale::operator()(double v) const {
  auto f = [&](double x) { return log1p ? std::log1p(std::max(x, 0.0)) : x; };
  const double lo = f(domain_lo), hi = f(domain_hi);
  if (!(hi > lo)) return (range_lo + range_hi) / 2;
  return range_lo + (f(v) - lo) / (hi - lo) * (range_hi - range_lo);
}

std::vector<double> Scale::ticks(int count) const {
  std::vector<double> out;
  if (!(domain_hi > domain_lo) || count < 2) return {domain_lo};
  if (log1p) {
    // 0, then powers of ten (and 3x) inside the domain.
    if (domain_lo <= 0) out.push_back(0);
    for (double p = 1; p <= domain_hi * 1.0001; p *= 10) {
      if (p >= domain_lo) out.push_back(p);
      if (3 * p >= domain_lo && 3 * p <= domain_hi) out.push_back(3 * p);
    }
    std::sort(out.begin(), out.end());
    return out;
  }
  const double raw = (domain_hi - domain_lo) / count;
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  double step = magnitude;
  for (double m : {1.0, 2.0, 5.0, 10.0})
    if (raw <= m * magnitude) {
      step = m * magnitude;
      break;
    }
  for (double t = std::ceil(domain_lo / step) * step; t <= domain_hi + step * 1e-9; t += step)
    out.push_back(std::abs(t) < step * 1e-9 ? 0.0 : t);
  return out;
}

namespace {
std::string hex(double r, double g, double b) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "#%02x%02x%02x", static_cast<int>(std::lround(r)), static_cast<int>(std::lround(g)),
                static_cast<int>(std::lround(b)));
  return buf;
}
}  // namespace

std::string index_colour(double index) {
  if (!std::isfinite(index) || index <= 0) return index > 0 ? "#dddddd" : (std::isfinite(index) ? "#2166ac" : "#dddddd");
  const double t = std::clamp(std::log2(index / 100.0) / std::log2(3.0), -1.0, 1.0);
  // White to #b2182b (above) or #2166ac (below).
  const double r = t > 0 ? 255 + t * (178 - 255) : 255 + -t * (33 - 255);
  const double g = t > 0 ? 255 + t * (24 - 255) : 255 + -t * (102 - 255);
  const double b = t > 0 ? 255 + t * (43 - 255) : 255 + -t * (172 - 255);
  return hex(r, g, b);
}

std::string merit_colour(double index, bool higher_is_good) {
  if (!std::isfinite(index)) return "#dddddd";
  const double t = index <= 0 ? -1.0 : std::clamp(std::log2(index / 100.0) / std::log2(3.0), -1.0, 1.0);
  const double better = higher_is_good ? t : -t;
  // White to #1a9850 (better than average) or #d73027 (worse).
  const double r = better > 0 ? 255 + better * (26 - 255) : 255 + -better * (215 - 255);
  const double g = better > 0 ? 255 + better * (152 - 255) : 255 + -better * (48 - 255);
  const double b = better > 0 ? 255 + better * (80 - 255) : 255 + -better * (39 - 255);
  return hex(r, g, b);
}

std::string text_colour_on(const std::string& fill) {
  if (fill.size() != 7) return "#000000";
  const int r = std::stoi(fill.substr(1, 2), nullptr, 16), g = std::stoi(fill.substr(3, 2), nullptr, 16),
            b = std::stoi(fill.substr(5, 2), nullptr, 16);
  return 0.299 * r + 0.587 * g + 0.114 * b < 140 ? "#ffffff" : "#1a1a1a";
}

std::string segment_colour(std::size_t c) {
  static const char* palette[] = {"#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2",
                                  "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"};
  return palette[c % 10];
}

}  // namespace custseg::report::svg
