#pragma once
// Customer ids as segment reads them (the local, MPI-free part): which stored values are ids,
// and where a repeated id is among one rank's share of the ids. An id is an exact non-negative
// integer below 2^64 (uint64, int64 >= 0, or a float64 holding such an integer) or a string,
// kept byte for byte, so that results join back to the source table.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace custseg::data {

// Why a stored number is not a customer id ("is NaN", "is negative", ...), or nullopt when it is.
std::optional<std::string> float_id_problem(double value);
std::optional<std::string> signed_id_problem(std::int64_t value);
// The id a checked float64 holds (float_id_problem gave nullopt).
std::uint64_t float_id(double value);

// One rank's block of ids, numbers or strings as they came.
struct CustomerIds {
  bool text = false;
  std::vector<std::uint64_t> numbers;  // when !text
  std::vector<std::string> strings;    // when text
  [[nodiscard]] std::size_t size() const { return text ? strings.size() : numbers.size(); }
  // The bytes two ids are compared by (a number as its 8 little-endian bytes).
  [[nodiscard]] std::string key(std::size_t i) const;
  // The id as a message shows it: 12345, or 'C10001' quoted.
  [[nodiscard]] std::string show(std::size_t i) const;
};
// `key` back to the form `show` prints, for the rank that finds a repeat of another rank's id.
std::string show_key(const std::string& key, bool text);
// `key` back to the id's text: a string as stored, a number in decimal. What a pseudonym is the
// HMAC of (util/pseudonymize.hpp); never put into a message (docs/privacy.md).
std::string key_text(const std::string& key, bool text);

// A hash of an id's bytes (FNV-1a: the same on every rank and build), so that equal ids meet on
// one rank, in one round of the exchange: rank = hash % ranks, round = hash / ranks % rounds.
std::uint64_t id_hash(const std::string& key);
int id_owner(const std::string& key, int ranks);

struct IdRecord {
  std::string key;
  std::uint64_t row = 0;  // global row
};
// The repeat with the smallest row (the first row whose id appeared on an earlier row), and the
// row of that id's first appearance; nullopt when all ids differ. Sorts `records`.
struct Repeat {
  std::string key;
  std::uint64_t row = 0;
  std::uint64_t first_row = 0;
};
std::optional<Repeat> first_repeat(std::vector<IdRecord>& records);

// ---- The fast screen that runs before first_repeat (input_table.hpp, check_unique_ids) ----
// Finding and naming the first repeat needs every id's bytes and row sorted together; proving
// that there is none needs far less, and that is the common case. Both screens below can only
// err towards "may repeat", after which the exact search runs: no repeat is ever missed.

// Ids strictly increasing in this order: numbers by value, strings byte-wise (std::string's <).
// Strictly increasing ids are all different.
[[nodiscard]] bool strictly_increasing(const CustomerIds& ids);

// An id as 64 bits: a number is itself (equal fingerprints <=> equal ids); a string its 64-bit
// FNV-1a hash (equal ids => equal fingerprints; a collision of two different strings only makes
// the screen ask for the exact search).
[[nodiscard]] std::uint64_t id_fingerprint(const CustomerIds& ids, std::size_t i);
// The fingerprint's bits mixed (splitmix64's finalizer), for choosing an owner rank and round
// that spread sequential numbers evenly.
[[nodiscard]] std::uint64_t fingerprint_spread(std::uint64_t fingerprint);

// Sorts `values` ascending (LSD radix sort, 8 bits a pass, passes in which every value has the
// same digit skipped) and says whether two of them are equal. O(n) time, n extra words.
[[nodiscard]] bool sort_and_find_equal(std::vector<std::uint64_t>& values);

}  // namespace custseg::data
