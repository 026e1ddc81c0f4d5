#include "custseg/util/log.hpp"

#include <sys/resource.h>

#include <cstdio>

namespace custseg {

Logger::Logger(int rank, Verbosity level)
    : rank_(rank), level_(level), start_(std::chrono::steady_clock::now()) {}

double Logger::elapsed_seconds() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

void Logger::print(const std::string& message) const {
  std::printf("[custseg %8.2fs] %s\n", elapsed_seconds(), message.c_str());
  std::fflush(stdout);
}

void Logger::info(const std::string& message) const {
  if (rank_ == 0 && level_ >= Verbosity::normal) print(message);
}

void Logger::detail(const std::string& message) const {
  if (rank_ == 0 && level_ >= Verbosity::verbose) print(message);
}

std::string format_bytes(double bytes) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  int u = 0;
  while (bytes >= 1024.0 && u < 4) {
    bytes /= 1024.0;
    ++u;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f %s", bytes, units[u]);
  return buf;
}

double peak_rss_bytes() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) * 1024.0;  // Linux reports KiB
}

}  // namespace custseg
