#pragma once
// Pseudonyms for customer ids (docs/privacy.md): HMAC-SHA256(key, id) as 64 lowercase hex digits.
// A keyed hash, not a plain one: without the key nobody can recompute the pseudonym of a guessed
// id (customer ids are short and enumerable, so an unkeyed SHA-256 would be reversed by brute
// force), while whoever holds the key gets the same pseudonym for the same id in every run.
#include <string>
#include <string_view>

namespace custseg {

class Pseudonymizer {
 public:
  // Reads the key: every byte of the file, as is (no newline is stripped). Usage error (exit 2)
  // when the file is missing, unreadable, empty, not a regular file, or readable or writable by
  // group or others (a key others can read is no secret: chmod 600 it). The message names the
  // file, never its content.
  static Pseudonymizer from_key_file(const std::string& path);
  explicit Pseudonymizer(std::string key);

  // HMAC-SHA256(key, id bytes) in lowercase hex. A number id is pseudonymized as its decimal
  // text without leading zeros (pseudonym(std::to_string(id))).
  [[nodiscard]] std::string pseudonym(std::string_view id) const;

 private:
  std::string key_;
};

}  // namespace custseg
