#pragma once
// The temporary NAME.partial files of a job's outputs, registered so that a stop by a signal
// removes them (util/stop_signal.hpp): a stopped job leaves nothing that could pass for output.
// Registered after the output checks (and the output lock) succeeded, so a partial file of
// another run is never touched.
#include <filesystem>
#include <string>
#include <vector>

#include "custseg/util/stop_signal.hpp"

namespace custseg::jobs {

inline CleanupPaths partials_removed_on_stop(const std::string& dir, const std::vector<std::string>& names) {
  std::vector<std::string> paths;
  for (const std::string& name : names) paths.push_back((std::filesystem::path(dir) / (name + ".partial")).string());
  return CleanupPaths(paths);
}

// A single output file (generate, ingest): the file's own NAME.partial.
inline CleanupPaths partial_removed_on_stop(const std::string& path) { return CleanupPaths({path + ".partial"}); }

}  // namespace custseg::jobs
