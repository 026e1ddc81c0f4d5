#include "custseg/io/output_lock.hpp"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "custseg/io/output_space.hpp"
#include "custseg/util/error.hpp"
#include "custseg/util/stop_signal.hpp"

namespace custseg::io {

namespace fs = std::filesystem;

namespace {

std::string host_name() {
  char name[256] = {0};
  if (::gethostname(name, sizeof name - 1) != 0) return "unknown";
  return name;
}

std::string utc_now() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  ::gmtime_r(&now, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return text;
}

// "key=value" lines of a lock file; empty when it cannot be read (it went away meanwhile).
std::map<std::string, std::string> read_lock(const std::string& path) {
  std::ifstream in(path);
  std::map<std::string, std::string> fields;
  std::string line;
  while (std::getline(in, line)) {
    const auto eq = line.find('=');
    if (eq != std::string::npos) fields[line.substr(0, eq)] = line.substr(eq + 1);
  }
  return fields;
}

std::string describe_holder(std::map<std::string, std::string>& f) {
  return "custseg " + f["job"] + " (pid " + f["pid"] + " on host " + f["host"] + " since " + f["started"] + ")";
}

// Creates the lock file atomically; false when it exists already.
bool try_create(const std::string& path, const std::string& job) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) {
    if (errno == EEXIST) return false;
    if (errno == ENOSPC || errno == EDQUOT) throw_no_space(path);
    throw_output("cannot create the lock file " + path + ": " + std::strerror(errno));
  }
  const std::string text = "host=" + host_name() + "\npid=" + std::to_string(::getpid()) + "\nstarted=" + utc_now() +
                           "\njob=" + job + "\n";
  const bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  const int err = errno;
  ::close(fd);
  if (!ok) {
    ::unlink(path.c_str());
    if (err == ENOSPC || err == EDQUOT) throw_no_space(path);
    throw_output("cannot write the lock file " + path + ": " + std::strerror(err));
  }
  return true;
}

// Whether process `pid` is a live custseg: not gone (kill(pid, 0): ESRCH), not a zombie (a rank
// killed with its launcher stays one until reaped, which a container's init may never do), and
// still running custseg (the pid may have been reused by another program since).
bool custseg_alive(long pid) {
  if (::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH) return false;
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(stat, line)) return true;  // no /proc: trust kill()
  const auto close = line.rfind(')');
  const auto open = line.find('(');
  if (close == std::string::npos || open == std::string::npos || close + 2 >= line.size()) return true;
  const std::string comm = line.substr(open + 1, close - open - 1);
  const char state = line[close + 2];
  return state != 'Z' && state != 'X' && comm.rfind("custseg", 0) == 0;
}

// A lock of this host whose process is no longer a live custseg.
bool stale(const std::map<std::string, std::string>& f) {
  const auto host = f.find("host"), pid = f.find("pid");
  if (host == f.end() || pid == f.end() || host->second != host_name()) return false;
  const long p = std::strtol(pid->second.c_str(), nullptr, 10);
  return p > 0 && !custseg_alive(p);
}

}  // namespace

std::string lock_path_for_dir(const std::string& dir) { return (fs::path(dir) / ".custseg.lock").string(); }

std::string lock_path_for_file(const std::string& file) {
  const fs::path p(file);
  return (p.parent_path() / ("." + p.filename().string() + ".custseg.lock")).string();
}

OutputLock::OutputLock(const std::string& lock_path, const std::string& output, const std::string& job,
                       void (*warn)(const std::string&)) {
  // Two tries: the second after taking over a stale lock (or after the holder just released).
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (try_create(lock_path, job)) {
      path_ = lock_path;
      // A stop by a signal ends the process without unwinding: the handler removes the lock
      // (registered first, so removed after the partial outputs registered later).
      cleanup_ = register_cleanup_path(path_);
      return;
    }
    auto holder = read_lock(lock_path);
    if (holder.empty()) continue;  // released between the create and the read
    if (!stale(holder)) {
      const bool here = holder["host"] == host_name();
      throw_output("output " + output + " is in use by " + describe_holder(holder) + "; wait for it to finish" +
                   (here ? "" : " (if that run is gone, remove " + lock_path + ")"));
    }
    // Re-read just before removing: another run may have taken over the stale lock meanwhile.
    if (read_lock(lock_path) != holder) continue;
    const std::string message = "warning: taking over the stale lock " + lock_path + " of " + describe_holder(holder) +
                   ": that process no longer exists";
    if (warn)
      warn(message);
    else
      std::fprintf(stderr, "custseg %s: %s\n", job.c_str(), message.c_str());
    ::unlink(lock_path.c_str());
  }
  auto holder = read_lock(lock_path);
  throw_output("output " + output + " is in use by " + describe_holder(holder) + "; wait for it to finish");
}

OutputLock::~OutputLock() { release(); }

OutputLock::OutputLock(OutputLock&& other) noexcept
    : path_(std::move(other.path_)), created_dirs_(std::move(other.created_dirs_)), cleanup_(other.cleanup_) {
  other.path_.clear();
  other.created_dirs_.clear();
  other.cleanup_ = -1;
}

OutputLock& OutputLock::operator=(OutputLock&& other) noexcept {
  if (this != &other) {
    release();
    path_ = std::move(other.path_);
    created_dirs_ = std::move(other.created_dirs_);
    cleanup_ = other.cleanup_;
    other.path_.clear();
    other.created_dirs_.clear();
    other.cleanup_ = -1;
  }
  return *this;
}

void OutputLock::release() noexcept {
  if (path_.empty()) return;
  ::unlink(path_.c_str());
  unregister_cleanup_path(cleanup_);
  cleanup_ = -1;
  path_.clear();
  // rmdir removes only empty folders: one that holds outputs (or anything else) stays.
  for (const auto& dir : created_dirs_)
    if (::rmdir(dir.c_str()) != 0) break;
  created_dirs_.clear();
}

}  // namespace custseg::io
