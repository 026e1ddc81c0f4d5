#include "custseg/data/customer_ids.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <functional>
#include <utility>

namespace custseg::data {

std::optional<std::string> float_id_problem(double value) {
  if (std::isnan(value)) return "is NaN (a missing id)";
  if (std::isinf(value)) return "is infinite";
  if (value < 0) return "is negative";
  if (value != std::floor(value)) return "is not a whole number";
  if (value >= 18446744073709551616.0) return "is 2^64 or more";  // does not fit uint64
  return std::nullopt;
}

std::optional<std::string> signed_id_problem(std::int64_t value) {
  if (value < 0) return "is negative";
  return std::nullopt;
}

std::uint64_t float_id(double value) { return static_cast<std::uint64_t>(value); }

std::string CustomerIds::key(std::size_t i) const {
  if (text) return strings[i];
  std::string bytes(8, '\0');
  for (int b = 0; b < 8; ++b) bytes[static_cast<std::size_t>(b)] = static_cast<char>((numbers[i] >> (8 * b)) & 0xFF);
  return bytes;
}

std::string show_key(const std::string& key, bool text) {
  if (text) return "'" + key + "'";
  std::uint64_t v = 0;
  for (int b = 7; b >= 0; --b) v = (v << 8) | static_cast<unsigned char>(key[static_cast<std::size_t>(b)]);
  return std::to_string(v);
}

std::string key_text(const std::string& key, bool text) {
  if (text) return key;
  return show_key(key, false);
}

std::string CustomerIds::show(std::size_t i) const { return show_key(key(i), text); }

std::uint64_t id_hash(const std::string& key) {
  std::uint64_t h = 14695981039346656037ULL;
  for (unsigned char c : key) h = (h ^ c) * 1099511628211ULL;
  return h;
}

int id_owner(const std::string& key, int ranks) {
  return static_cast<int>(id_hash(key) % static_cast<std::uint64_t>(ranks));
}

std::optional<Repeat> first_repeat(std::vector<IdRecord>& records) {
  std::sort(records.begin(), records.end(),
            [](const IdRecord& a, const IdRecord& b) { return a.key != b.key ? a.key < b.key : a.row < b.row; });
  std::optional<Repeat> best;
  for (std::size_t i = 1; i < records.size(); ++i) {
    // Sorted by row within an id: a record equal to its predecessor whose predecessor differs from
    // the one before is the second appearance, the earliest repeat of that id.
    if (records[i].key != records[i - 1].key) continue;
    if (i >= 2 && records[i - 2].key == records[i].key) continue;
    if (!best || records[i].row < best->row) best = Repeat{records[i].key, records[i].row, records[i - 1].row};
  }
  return best;
}

bool strictly_increasing(const CustomerIds& ids) {
  if (ids.text)
    return std::adjacent_find(ids.strings.begin(), ids.strings.end(), std::greater_equal<>()) == ids.strings.end();
  return std::adjacent_find(ids.numbers.begin(), ids.numbers.end(), std::greater_equal<>()) == ids.numbers.end();
}

std::uint64_t id_fingerprint(const CustomerIds& ids, std::size_t i) {
  if (!ids.text) return ids.numbers[i];
  std::uint64_t h = 14695981039346656037ULL;  // id_hash's FNV-1a, without building a key string
  for (unsigned char c : ids.strings[i]) h = (h ^ c) * 1099511628211ULL;
  return h;
}

std::uint64_t fingerprint_spread(std::uint64_t x) {
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

bool sort_and_find_equal(std::vector<std::uint64_t>& values) {
  constexpr int kDigits = 8;
  constexpr std::size_t kRadix = 256;
  const std::size_t n = values.size();
  // All eight digit histograms in one read pass.
  std::vector<std::array<std::size_t, kRadix>> counts(kDigits);
  for (auto& c : counts) c.fill(0);
  for (const std::uint64_t v : values)
    for (int d = 0; d < kDigits; ++d) ++counts[static_cast<std::size_t>(d)][(v >> (8 * d)) & 0xFF];
  std::vector<std::uint64_t> other(n);
  for (int d = 0; d < kDigits; ++d) {
    auto& c = counts[static_cast<std::size_t>(d)];
    // A digit every value shares does not reorder anything (ids below 2^32 skip half the passes).
    if (n == 0 || c[(values[0] >> (8 * d)) & 0xFF] == n) continue;
    std::size_t at = 0;
    for (auto& bucket : c) at += std::exchange(bucket, at);  // bucket starts
    for (const std::uint64_t v : values) other[c[(v >> (8 * d)) & 0xFF]++] = v;
    values.swap(other);
  }
  return std::adjacent_find(values.begin(), values.end()) != values.end();
}

}  // namespace custseg::data
