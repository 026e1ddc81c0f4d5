#pragma once
// Small helpers for writing inline SVG and HTML by hand: escaping, number formatting, linear
// scales and a diverging colour scale. Pure functions, no state.
#include <string>
#include <vector>

namespace custseg::report::svg {

// Escapes &, <, >, " and ' for text and attribute values.
std::string escape(const std::string& text);

// Human-readable numbers: 1,234,567 from 1,000 up (thousands separators), 3 significant digits below 100; "–" for NaN.
std::string format_number(double v);
std::string format_percent(double fraction, int decimals = 1);  // 0.123 -> "12.3%"
// Coordinates: fixed 1 decimal, so output is stable and compact.
std::string coord(double v);

// Width in px of `text` drawn at `font_px` in the report's font (DejaVu Sans), estimated per
// character and rounded up: charts size their label columns and header room from it, since an
// SVG written ahead of time cannot measure text. UTF-8 multi-byte characters count once.
double text_width(const std::string& text, double font_px);
// `text` in lines no wider than `max_px` (split at spaces; a single longer word stays whole, so
// nothing is ever shortened), at most `max_lines`; any rest joins the last line.
std::vector<std::string> wrap_text(const std::string& text, double max_px, double font_px, std::size_t max_lines = 2);

// Maps [domain_lo, domain_hi] linearly onto [range_lo, range_hi]; optionally through log1p.
struct Scale {
  double domain_lo = 0, domain_hi = 1, range_lo = 0, range_hi = 1;
  bool log1p = false;
  [[nodiscard]] double operator()(double v) const;
  // Up to `count` round tick values inside the domain.
  [[nodiscard]] std::vector<double> ticks(int count) const;
};

// Colour for an index (100 = population average): blue below, white at 100, red above, on a log2
// scale saturating at 1/3x and 3x. Returns "#rrggbb".
std::string index_colour(double index);
// Fill for an index whose direction is known (column attribute higher_is): white at 100, green
// #1a9850 as it gets better (up to 3x or 1/3x the average), red #d73027 as it gets worse.
std::string merit_colour(double index, bool higher_is_good);
// Dark text on light cells, light text on dark ones.
std::string text_colour_on(const std::string& fill);

// A qualitative palette for segments (colour-blind friendly, repeats after 10).
std::string segment_colour(std::size_t c);

}  // namespace custseg::report::svg
