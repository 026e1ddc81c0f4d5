#pragma once
// Structural validation of an input HDF5 file (docs/input-errors.md, "Corrupt HDF5 files").
// libhdf5 trusts a file's metadata: flipped bytes in an object header, a local or global heap or
// a B-tree can make it read out of bounds and crash (SIGSEGV, a heap-corruption abort) instead of
// returning an error. custseg therefore walks every object a job will read (groups, datasets,
// attributes, types, shapes, chunk indices, a few rows of every dataset, string heaps) once, in a
// separate process (`custseg --validate-hdf5 FILE [KEY]`, see validate_in_child), before the
// parallel open; a crash there costs a child process, not the job.
//
// The walk itself is MPI-free and works on any open file, so a libFuzzer target can feed it
// mutated file images opened with HDF5's core driver (H5Pset_file_image).
#include <hdf5.h>

#include <string>

namespace custseg::io {

struct Hdf5Validation {
  bool ok = true;
  std::string object;  // the HDF5 path being read when the problem showed ("/" for the file itself)
  std::string reason;  // HDF5's error stack, or what was implausible
};

// Called with each object's path before it is read: the child process reports progress through it,
// so that a crash still names the object it happened in. May be empty.
using ValidationProgress = void (*)(const std::string& object);

// Walks `key` (the table group, e.g. "customers"; empty: the whole file) of an open file and reads
// the table the way the jobs do (io::inspect_table and a few rows of every column). Input errors
// that are not corruption (no such group, a text column, ...) are left to the job: they are not
// reported here. Never throws; `path` only names the file in messages.
Hdf5Validation validate_table_file(hid_t file, const std::string& key, const std::string& path = "file",
                                   ValidationProgress progress = nullptr);

// Opens `path` read-only with the sec2 driver and validates it as above.
Hdf5Validation validate_table_path(const std::string& path, const std::string& key,
                                   ValidationProgress progress = nullptr);

// Runs validate_table_path in a child process (this program with --validate-hdf5) and throws an
// input error, "FILE is corrupt or not a readable HDF5 file: OBJECT: REASON", when the child
// reports a problem or dies by a signal. Does nothing until enable_child_validation was called
// (by custseg's main: test programs cannot run the hidden mode).
void validate_in_child(const std::string& path, const std::string& key);
void enable_child_validation();

// `custseg --validate-hdf5 FILE [KEY]`: the child's side, called from main() before MPI_Init.
// Prints "object OBJECT" before each object and finally "ok" or "corrupt OBJECT\tREASON" on
// stdout; returns 0 in both cases (a crash is what the parent looks for).
int run_validation_mode(int argc, char** argv);

}  // namespace custseg::io
