#pragma once
// Checks on output locations, done before any heavy work so a job fails in seconds, not hours.
#include <string>
#include <vector>

namespace custseg::io {

// Creates `dir` if needed, checks it is writable, and refuses if any of `outputs` (names inside
// dir) exists unless `overwrite`. Throws output errors. Call on one rank, inside mpi::agree.
void prepare_output_dir(const std::string& dir, const std::vector<std::string>& outputs, bool overwrite);

// Same for a single output file (its directory must exist and be writable).
void prepare_output_file(const std::string& path, bool overwrite);

}  // namespace custseg::io
