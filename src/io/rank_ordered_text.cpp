#include "custseg/io/rank_ordered_text.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <numeric>
#include <vector>

#include "custseg/io/output_space.hpp"
#include "custseg/mpi/collective_guard.hpp"
#include "custseg/util/error.hpp"

namespace custseg::io {

namespace {

// An open file descriptor, closed on every path out.
class Descriptor {
 public:
  Descriptor(const std::string& path, int flags) : path_(path), fd_(::open(path.c_str(), flags | O_CLOEXEC, 0644)) {
    if (fd_ < 0) fail("cannot open");
  }
  ~Descriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  Descriptor(const Descriptor&) = delete;
  Descriptor& operator=(const Descriptor&) = delete;

  void write_at(std::string_view bytes, std::uint64_t offset) {
    while (!bytes.empty()) {
      const ssize_t n = ::pwrite(fd_, bytes.data(), bytes.size(), static_cast<off_t>(offset));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) fail("cannot write");
      bytes.remove_prefix(static_cast<std::size_t>(n));
      offset += static_cast<std::uint64_t>(n);
    }
  }
  void resize(std::uint64_t bytes) {
    if (::ftruncate(fd_, static_cast<off_t>(bytes)) != 0) fail("cannot size");
  }
  // fsync and close: a write-back error (a full disk found late) is reported here, not lost.
  void finish() {
    if (::fsync(fd_) != 0 && errno != EINVAL) fail("cannot flush");
    const int fd = fd_;
    fd_ = -1;
    if (::close(fd) != 0) fail("cannot close");
  }

 private:
  [[noreturn]] void fail(const char* what) const {
    const int err = errno;
    if (out_of_space(path_, err)) throw_no_space(path_);
    throw_output(std::string(what) + " " + path_ + ": " + std::strerror(err));
  }
  std::string path_;
  int fd_;
};

}  // namespace

std::uint64_t write_rank_ordered_text(const mpi::Communicator& comm, const std::string& path,
                                      const TextProducer& produce) {
  std::uint64_t mine = 0;
  mpi::agree(comm, [&] { produce([&](std::string_view chunk) { mine += chunk.size(); }); });
  const std::vector<std::uint64_t> sizes = comm.allgather(mine);
  const std::uint64_t offset =
      std::accumulate(sizes.begin(), sizes.begin() + comm.rank(), std::uint64_t{0});
  const std::uint64_t total = std::accumulate(sizes.begin(), sizes.end(), std::uint64_t{0});

  // Root creates the file at its final size, so every rank's range exists before anyone writes.
  mpi::agree(comm, [&] {
    if (!comm.is_root()) return;
    require_free_space(path, total);
    Descriptor file(path, O_WRONLY | O_CREAT | O_TRUNC);
    reserve_space(path, total);
    file.resize(total);
    file.finish();
  });
  mpi::agree(comm, [&] {
    Descriptor file(path, O_WRONLY);
    std::uint64_t at = offset;
    produce([&](std::string_view chunk) {
      file.write_at(chunk, at);
      at += chunk.size();
    });
    file.finish();
  });
  return total;
}

}  // namespace custseg::io
