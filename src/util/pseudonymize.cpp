// HMAC-SHA256 through OpenSSL's libcrypto (Debian's libssl-dev): a vetted, constant-time and
// well-maintained implementation beats a hand-written HMAC.
#include "custseg/util/pseudonymize.hpp"

#include <fcntl.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "custseg/util/error.hpp"

namespace custseg {

namespace {

// The whole key file; refuses what cannot be a private key file.
std::string read_key(const std::string& path) {
  const auto refuse = [&](const std::string& why) { throw_usage("--pseudonymize-ids key file " + path + ": " + why); };
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) refuse(std::strerror(errno));
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    refuse("not a regular file");
  }
  if ((st.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
    ::close(fd);
    refuse("group or others may access it (mode " + std::to_string((st.st_mode >> 6) & 7) +
           std::to_string((st.st_mode >> 3) & 7) + std::to_string(st.st_mode & 7) + "); a key must be private: chmod 600");
  }
  std::string key;
  char buf[4096];
  for (;;) {
    const ssize_t got = ::read(fd, buf, sizeof buf);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) {
      const int err = errno;
      ::close(fd);
      refuse(std::strerror(err));
    }
    if (got == 0) break;
    key.append(buf, static_cast<std::size_t>(got));
  }
  ::close(fd);
  if (key.empty()) refuse("is empty (e.g. 'head -c 32 /dev/urandom > KEY; chmod 600 KEY')");
  return key;
}

}  // namespace

Pseudonymizer Pseudonymizer::from_key_file(const std::string& path) { return Pseudonymizer(read_key(path)); }

Pseudonymizer::Pseudonymizer(std::string key) : key_(std::move(key)) {}

std::string Pseudonymizer::pseudonym(std::string_view id) const {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (HMAC(EVP_sha256(), key_.data(), static_cast<int>(key_.size()), reinterpret_cast<const unsigned char*>(id.data()),
           id.size(), mac, &length) == nullptr)
    throw std::runtime_error("HMAC-SHA256 failed in libcrypto");
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(2 * length, '0');
  for (unsigned int i = 0; i < length; ++i) {
    out[2 * i] = kHex[mac[i] >> 4];
    out[2 * i + 1] = kHex[mac[i] & 15];
  }
  return out;
}

}  // namespace custseg
