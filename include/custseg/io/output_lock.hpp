#pragma once
// An exclusive lock on a job's output (docs/outputs.md, "One run per output"): a lock file
// created atomically (O_CREAT|O_EXCL) that holds the host, pid, start time (UTC) and job of the
// run that owns the output. A second run on the same output exits 4 naming the first; a lock
// left by a process that no longer exists on this host is reported and taken over. MPI-free:
// rank 0 takes the lock (inside mpi::agree); other ranks hold an empty OutputLock.
#include <string>
#include <vector>

namespace custseg::io {

// The lock of an output folder: DIR/.custseg.lock.
std::string lock_path_for_dir(const std::string& dir);
// The lock of a single output file: FOLDER/.NAME.custseg.lock, beside it.
std::string lock_path_for_file(const std::string& file);

class OutputLock {
 public:
  OutputLock() = default;  // holds nothing (ranks other than 0)
  // Takes the lock at `lock_path` for `job` writing `output` (named in the messages). Throws an
  // output error when a live run holds it, or a run on another host (whose liveness cannot be
  // checked). `warn` receives the warning about a stale lock that was taken over.
  OutputLock(const std::string& lock_path, const std::string& output, const std::string& job,
             void (*warn)(const std::string&) = nullptr);
  ~OutputLock();
  OutputLock(OutputLock&& other) noexcept;
  OutputLock& operator=(OutputLock&& other) noexcept;
  OutputLock(const OutputLock&) = delete;
  OutputLock& operator=(const OutputLock&) = delete;

  [[nodiscard]] bool held() const { return !path_.empty(); }
  [[nodiscard]] const std::string& path() const { return path_; }
  void release() noexcept;  // removes the lock file (the destructor does it too)
  // Folders this run created for its output, deepest first: release() removes each one that is
  // empty then, so a run that fails leaves no empty output folder behind (a finished run's
  // folder holds its outputs and stays).
  void remove_when_empty(std::vector<std::string> created_dirs) { created_dirs_ = std::move(created_dirs); }

 private:
  std::string path_;
  std::vector<std::string> created_dirs_;
  int cleanup_ = -1;  // its registration with the stop handler (util/stop_signal.hpp)
};

}  // namespace custseg::io
