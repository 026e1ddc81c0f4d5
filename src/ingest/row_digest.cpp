#include "custseg/ingest/row_digest.hpp"

#include <openssl/evp.h>

#include <cstring>
#include <stdexcept>

namespace custseg::ingest {

void RowDigester::FreeContext::operator()(evp_md_ctx_st* ctx) const { EVP_MD_CTX_free(ctx); }

RowDigester::RowDigester() : ctx_(EVP_MD_CTX_new()) {
  if (!ctx_) throw std::bad_alloc();
}

RowDigest RowDigester::operator()(const CsvRecord& record) {
  bytes_.clear();
  for (std::size_t i = 0; i < record.size(); ++i) {
    const std::string_view field = record.field(i);
    const auto length = static_cast<std::uint32_t>(field.size());
    bytes_.append(reinterpret_cast<const char*>(&length), sizeof length);
    bytes_.append(field);
  }
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  if (EVP_DigestInit_ex(ctx_.get(), EVP_sha256(), nullptr) != 1 ||
      EVP_DigestUpdate(ctx_.get(), bytes_.data(), bytes_.size()) != 1 ||
      EVP_DigestFinal_ex(ctx_.get(), digest, &size) != 1 || size < 16)
    throw std::runtime_error("OpenSSL SHA-256 failed");
  RowDigest d;
  std::memcpy(&d.high, digest, 8);
  std::memcpy(&d.low, digest + 8, 8);
  return d;
}

}  // namespace custseg::ingest
