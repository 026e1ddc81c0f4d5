#include "custseg/util/available_memory.hpp"

#include <algorithm>
#include <fstream>
#include <string>

namespace custseg {

namespace {

// MemAvailable of /proc/meminfo, in bytes.
std::optional<std::uint64_t> meminfo_available() {
  std::ifstream in("/proc/meminfo");
  std::string key, unit;
  std::uint64_t kib = 0;
  while (in >> key >> kib) {
    std::getline(in, unit);
    if (key == "MemAvailable:") return kib * 1024;
  }
  return std::nullopt;
}

std::optional<std::uint64_t> read_number(const std::string& path) {
  std::ifstream in(path);
  std::uint64_t value = 0;
  if (in >> value) return value;  // "max" (no limit) fails here
  return std::nullopt;
}

// The room under a limit file and a usage file of one cgroup directory.
std::optional<std::uint64_t> room(const std::string& limit_file, const std::string& usage_file) {
  const auto limit = read_number(limit_file);
  if (!limit) return std::nullopt;
  return *limit - std::min(*limit, read_number(usage_file).value_or(0));
}

// The room under this process's cgroup memory limit: v2 ("0::/path" in /proc/self/cgroup,
// memory.max) or v1 ("N:memory:/path", memory.limit_in_bytes; unlimited is a huge number).
std::optional<std::uint64_t> cgroup_room() {
  std::ifstream in("/proc/self/cgroup");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("0::", 0) == 0) {
      const std::string dir = "/sys/fs/cgroup" + line.substr(3);
      return room(dir + "/memory.max", dir + "/memory.current");
    }
    const auto v1 = line.find(":memory:");
    if (v1 != std::string::npos) {
      const std::string dir = "/sys/fs/cgroup/memory" + line.substr(v1 + 8);
      return room(dir + "/memory.limit_in_bytes", dir + "/memory.usage_in_bytes");
    }
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::uint64_t> available_memory_bytes() {
  const auto kernel = meminfo_available();
  const auto cgroup = cgroup_room();
  if (kernel && cgroup) return std::min(*kernel, *cgroup);
  return kernel ? kernel : cgroup;
}

}  // namespace custseg
