#include "custseg/io/output_space.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>

#include "custseg/util/error.hpp"
#include "custseg/util/log.hpp"

namespace custseg::io {

namespace fs = std::filesystem;

namespace {

// The folder a file will be written into, or the nearest one above it that exists.
fs::path existing_folder(const std::string& path) {
  std::error_code ec;
  fs::path p = fs::absolute(fs::path(path), ec).lexically_normal();
  if (!fs::is_directory(p, ec)) p = p.parent_path();
  while (!p.empty() && !fs::exists(p, ec) && p != p.root_path()) p = p.parent_path();
  const fs::path canonical = fs::weakly_canonical(p, ec);
  return ec ? p : canonical;
}

// mountinfo escapes blanks in mount points as octal (\040).
std::string unescape(const std::string& field) {
  std::string out;
  for (std::size_t i = 0; i < field.size(); ++i) {
    if (field[i] == '\\' && i + 3 < field.size()) {
      out += static_cast<char>(std::strtol(field.substr(i + 1, 3).c_str(), nullptr, 8));
      i += 3;
    } else {
      out += field[i];
    }
  }
  return out;
}

bool is_under(const std::string& path, const std::string& mount) {
  if (mount == "/") return true;
  return path.compare(0, mount.size(), mount) == 0 && (path.size() == mount.size() || path[mount.size()] == '/');
}

// Fewer bytes free than this after a failed write: the disk is full (a write needs a block).
constexpr std::uint64_t kAlmostFull = 1 << 20;
// Room kept for HDF5 metadata and the file system's own blocks beyond an estimate.
constexpr std::uint64_t kMargin = 1 << 20;

}  // namespace

std::string device_of(const std::string& path) {
  const std::string folder = existing_folder(path).string();
  std::ifstream in("/proc/self/mountinfo");
  std::string line, best;
  // Fields: id parent major:minor root MOUNT_POINT ...; the longest mount point above the
  // folder is the file system holding it (later mounts over the same point win: >=).
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string id, parent, device, root, mount;
    if (!(fields >> id >> parent >> device >> root >> mount)) continue;
    mount = unescape(mount);
    if (is_under(folder, mount) && mount.size() >= best.size()) best = mount;
  }
  return best.empty() ? folder : best;
}

std::uint64_t free_bytes(const std::string& path) {
  struct statvfs s {};
  if (::statvfs(existing_folder(path).c_str(), &s) != 0) return std::numeric_limits<std::uint64_t>::max();
  return static_cast<std::uint64_t>(s.f_bavail) * static_cast<std::uint64_t>(s.f_frsize);
}

void require_free_space(const std::string& file, std::uint64_t bytes) {
  if (const char* skip = std::getenv("CUSTSEG_TEST_SKIP_SPACE_CHECK"); skip && std::string(skip) == "1") return;
  const std::uint64_t available = free_bytes(file);
  if (available >= bytes + kMargin) return;
  const std::string device = device_of(file);
  throw_output(no_space_message(file) + ": needs ~" + format_bytes(static_cast<double>(bytes + kMargin)) + ", " +
               device + " has " + format_bytes(static_cast<double>(available)) + " free");
}

void reserve_space(const std::string& path, std::uint64_t bytes) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) throw_output("cannot open " + path + " to reserve its space: " + std::strerror(errno));
  const int rc = ::fallocate(fd, FALLOC_FL_KEEP_SIZE, 0, static_cast<off_t>(bytes));
  const int err = errno;
  ::close(fd);
  if (rc == 0 || err == EOPNOTSUPP || err == ENOSYS) return;
  if (err == ENOSPC || err == EDQUOT) {
    const std::string device = device_of(path);
    throw_output(no_space_message(path) + ": needs ~" + format_bytes(static_cast<double>(bytes)) + ", " + device +
                 " has " + format_bytes(static_cast<double>(free_bytes(path))) + " free");
  }
  throw_output("cannot reserve space for " + path + ": " + std::strerror(err));
}

void trim_reserved(const std::string& path) noexcept {
  // Truncating to the current size frees the reserved blocks past the end of the file.
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0) (void)::truncate(path.c_str(), st.st_size);
}

bool out_of_space(const std::string& file, int err) {
  if (err == ENOSPC || err == EDQUOT) return true;
  return free_bytes(file) < kAlmostFull;
}

std::string no_space_message(const std::string& file) {
  std::string name = file;
  const std::string suffix = ".partial";
  if (name.size() > suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0)
    name.resize(name.size() - suffix.size());
  return "no space left on " + device_of(file) + " writing " + name;
}

void throw_no_space(const std::string& file) { throw_output(no_space_message(file)); }

}  // namespace custseg::io
