#pragma once
// Checks on output locations, done before any heavy work so a job fails in seconds, not hours.
#include <string>
#include <vector>

#include "custseg/io/output_lock.hpp"

namespace custseg::io {

// Creates `dir` if needed, checks it is writable, and refuses if any of `outputs` (names inside
// dir) exists unless `overwrite`. Throws output errors. Call on one rank, inside mpi::agree.
void prepare_output_dir(const std::string& dir, const std::vector<std::string>& outputs, bool overwrite);

// Same for a single output file (its directory must exist and be writable).
void prepare_output_file(const std::string& path, bool overwrite);

// Creates `dir` if needed and takes its lock (DIR/.custseg.lock, output_lock.hpp) for `job`.
// Rank 0, inside mpi::agree, after refuse_outputs_over_inputs and before prepare_output_dir, so
// that a second run on a busy folder is told who holds it (exit 4), whatever files exist.
OutputLock lock_output_dir(const std::string& dir, const std::string& job);
// The lock of a single output file (FOLDER/.NAME.custseg.lock); its folder must exist.
OutputLock lock_output_file(const std::string& file, const std::string& job);

// --overwrite: removes the earlier outputs `names` in `dir`, in that order, before anything new
// is written. Give the completion file first (results.h5, sweep.csv, migration.csv), so that an
// interrupted overwrite never pairs an old completion file with new reports. Output errors.
void remove_old_outputs(const std::string& dir, const std::vector<std::string>& names);
// After a failure: removes the outputs `names` this run already renamed into `dir` (reports
// written before the completion file) and their partial files. Never throws.
void remove_unfinished_outputs(const std::string& dir, const std::vector<std::string>& names) noexcept;

// ---- outputs never replace inputs (docs/io.md, "Outputs never replace inputs") ----

// A file a job reads or writes, and the option that named it (for the message).
struct JobFile {
  std::string path;
  std::string option;  // e.g. "--input", "--output"
};

// Every file a job writes into `dir`: each name and its temporary sibling NAME.partial (the
// name it is written under before the rename; report::write_file_atomically, results.h5).
std::vector<JobFile> files_in_dir(const std::string& dir, const std::vector<std::string>& names,
                                  const std::string& option = "--output");

// A run's results file that an option names (--previous, --current, --model, --init) and, when it
// is called results.h5, the reports segment and score wrote beside it (report.json, segments.csv,
// report.html): they belong to that run, and replacing them would leave a mixed result set.
std::vector<JobFile> run_files(const std::string& results, const std::string& option);

// Throws a usage error (exit 2) naming both paths when an output would be, or would replace,
// an input: the same path once symlinks, "." and ".." are resolved (weakly_canonical; a symlink
// loop falls back to the lexical path), or the same file under another name (a hard link).
// --overwrite does not lift it: an input is never an output. Entries with an empty path are
// skipped (options not given). Reads the file system only: call on one rank inside mpi::agree,
// before anything is written (before prepare_output_dir, which creates the directory).
void refuse_outputs_over_inputs(const std::vector<JobFile>& outputs, const std::vector<JobFile>& inputs);

}  // namespace custseg::io
