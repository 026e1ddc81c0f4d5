#pragma once
// A file written under a temporary name, NAME.partial, that gets its final name only when whole
// (docs/outputs.md). RAII: the partial file is removed unless committed, so an error (or the
// exit-75 stop) leaves nothing that looks complete. MPI-free: the owner is the one process that
// renames and removes (rank 0 for a parallel file); other ranks hold a non-owning instance.
#include <string>

namespace custseg::io {

class PartialFile {
 public:
  explicit PartialFile(std::string final_path, bool owner = true);
  ~PartialFile();
  PartialFile(const PartialFile&) = delete;
  PartialFile& operator=(const PartialFile&) = delete;

  [[nodiscard]] const std::string& path() const { return partial_; }  // write here
  [[nodiscard]] const std::string& final_path() const { return final_; }

  // Owner: flushes the file to disk (fsync: a rename must not publish a file whose data is still
  // only in the page cache) and renames it to its final name. Throws an output error naming the
  // file ("no space left on ..." when that is why).
  void commit();
  // Owner: removes the partial file now (also what the destructor does unless committed).
  void discard() noexcept;

 private:
  std::string final_;
  std::string partial_;
  bool owner_;
  bool done_ = false;
};

// fsync of a closed file by name; throws an output error naming it (ENOSPC: "no space left").
void sync_file(const std::string& path);

}  // namespace custseg::io
