#include "custseg/util/available_memory.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>
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

// The room under this process's cgroup v2 limit ("0::/path" in /proc/self/cgroup).
std::optional<std::uint64_t> cgroup_room() {
  std::ifstream in("/proc/self/cgroup");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("0::", 0) != 0) continue;
    const std::string dir = "/sys/fs/cgroup" + line.substr(3);
    const auto limit = read_number(dir + "/memory.max");
    const auto used = read_number(dir + "/memory.current");
    if (!limit) return std::nullopt;
    return *limit - std::min(*limit, used.value_or(0));
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
