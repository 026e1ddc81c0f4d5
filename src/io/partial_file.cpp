#include "custseg/io/partial_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "custseg/io/output_space.hpp"
#include "custseg/util/error.hpp"

namespace custseg::io {

PartialFile::PartialFile(std::string final_path, bool owner)
    : final_(std::move(final_path)), partial_(final_ + ".partial"), owner_(owner) {}

PartialFile::~PartialFile() {
  if (!done_) discard();
}

void sync_file(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw_output("cannot open " + path + " to flush it: " + std::strerror(errno));
  const int rc = ::fsync(fd);
  const int err = errno;
  ::close(fd);
  if (rc != 0) {
    if (out_of_space(path, err)) throw_no_space(path);
    throw_output("cannot flush " + path + " to disk: " + std::strerror(err));
  }
}

void PartialFile::commit() {
  if (!owner_) {
    done_ = true;
    return;
  }
  trim_reserved(partial_);
  sync_file(partial_);
  if (std::rename(partial_.c_str(), final_.c_str()) != 0)
    throw_output("cannot rename " + partial_ + " to " + final_ + ": " + std::strerror(errno));
  done_ = true;
}

void PartialFile::discard() noexcept {
  done_ = true;
  if (!owner_) return;
  std::error_code ignored;
  std::filesystem::remove(partial_, ignored);
}

}  // namespace custseg::io
