#pragma once
// The values of k a sweep runs (`custseg sweep --k`).
#include <cstdint>
#include <string>
#include <vector>

namespace custseg::config {

// At most this many values of k in one sweep (each is a full k-means with restarts).
inline constexpr std::size_t kMaxSweepValues = 64;

// Parses TEXT as "MIN:MAX" or "MIN-MAX" (inclusive, MIN < MAX) or a list "A,B,C" of at least two
// distinct values, and returns the values ascending without repeats. Every value is a whole
// number >= 1 written in full: "2-6" is the range 2..6, never the number 2 with text after it.
// Throws a usage Error (exit 2) naming TEXT when it is malformed, holds fewer than two values
// (a sweep of one k is `custseg segment --k K`) or more than kMaxSweepValues.
std::vector<std::int64_t> parse_k_values(const std::string& text);

}  // namespace custseg::config
