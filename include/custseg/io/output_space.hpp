#pragma once
// Free space on the file system of an output (docs/outputs.md, "A full disk"). A job checks the
// space a file will need before writing it, and names a full disk the same way when a write
// fails half-way: "no space left on DEVICE writing FILE". MPI-free: call on one rank.
#include <cstdint>
#include <string>

namespace custseg::io {

// The mount point of the file system that holds `path` (or the nearest existing folder above
// it), from /proc/self/mountinfo; the folder itself when that cannot be read.
std::string device_of(const std::string& path);

// Bytes an unprivileged writer may still use on the file system holding `path` (statvfs
// f_bavail x f_frsize); UINT64_MAX when statvfs fails (then nothing is refused up front).
std::uint64_t free_bytes(const std::string& path);

// Throws an output error "no space left on DEVICE writing FILE: needs ~X, DEVICE has Y free"
// when fewer than `bytes` (plus a small margin for metadata) are free where `file` will be
// written. The test hook CUSTSEG_TEST_SKIP_SPACE_CHECK=1 skips the check, so that the tests can
// make a write run out of space half-way instead.
void require_free_space(const std::string& file, std::uint64_t bytes);

// Reserves `bytes` of disk blocks for the file `path` (created already) without changing its size
// (fallocate FALLOC_FL_KEEP_SIZE). Parallel HDF5 cannot survive a full disk in the middle of a
// collective metadata flush (one rank's write fails, it skips a barrier the others wait in: a
// hang inside HDF5), so the space is taken before the first write: a full disk then fails here,
// cleanly, with "no space left on DEVICE writing FILE". A file system without fallocate skips it.
// trim_reserved() gives back what the finished file did not use.
void reserve_space(const std::string& path, std::uint64_t bytes);
void trim_reserved(const std::string& path) noexcept;

// Whether a failed write of `file` ran out of space: errno `err` is ENOSPC or EDQUOT, or the
// file system holding it has (almost) nothing left. MPI-IO and HDF5 do not pass errno on.
bool out_of_space(const std::string& file, int err = 0);

// The message of a write that ran out of space: "no space left on DEVICE writing FILE".
// `file` is the final name (a trailing ".partial" is dropped).
std::string no_space_message(const std::string& file);
[[noreturn]] void throw_no_space(const std::string& file);

}  // namespace custseg::io
