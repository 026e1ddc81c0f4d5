#pragma once
// A fingerprint of one CSV record's fields as written, for counting exact duplicate rows.
//
// SHA-256 through OpenSSL's libcrypto (already linked for pseudonymized ids; a vetted library
// rather than a hash of our own), truncated to 128 bits, over the fields with their lengths (so
// "ab","c" and "a","bc" differ). Two different rows share a digest with probability about
// 2^-128 per pair, so equal digests are taken as equal rows. Pure; no MPI.
#include <compare>
#include <cstdint>
#include <memory>
#include <string>

#include "custseg/ingest/csv.hpp"

struct evp_md_ctx_st;

namespace custseg::ingest {

struct RowDigest {
  std::uint64_t high = 0, low = 0;
  auto operator<=>(const RowDigest&) const = default;
};

class RowDigester {
 public:
  RowDigester();
  [[nodiscard]] RowDigest operator()(const CsvRecord& record);

 private:
  struct FreeContext {
    void operator()(evp_md_ctx_st* ctx) const;
  };
  std::unique_ptr<evp_md_ctx_st, FreeContext> ctx_;  // reused: one allocation per aggregator
  std::string bytes_;
};

}  // namespace custseg::ingest
