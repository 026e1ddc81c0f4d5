#include "custseg/io/output_dir.hpp"

#include <unistd.h>

#include <filesystem>

#include "custseg/util/error.hpp"

namespace custseg::io {

namespace fs = std::filesystem;

namespace {
void require_writable_dir(const fs::path& dir) {
  if (!fs::is_directory(dir)) throw_output("output directory " + dir.string() + " is not a directory");
  if (access(dir.c_str(), W_OK) != 0) throw_output("output directory " + dir.string() + " is not writable");
}
}  // namespace

void prepare_output_dir(const std::string& dir, const std::vector<std::string>& outputs, bool overwrite) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw_output("cannot create output directory " + dir + ": " + ec.message());
  require_writable_dir(dir);
  for (const auto& name : outputs) {
    const fs::path p = fs::path(dir) / name;
    if (fs::exists(p) && !overwrite) throw_output(p.string() + " already exists; pass --overwrite to replace it");
  }
}

void prepare_output_file(const std::string& path, bool overwrite) {
  const fs::path p(path);
  const fs::path dir = p.has_parent_path() ? p.parent_path() : fs::path(".");
  if (!fs::exists(dir)) throw_output("output directory " + dir.string() + " does not exist");
  require_writable_dir(dir);
  if (fs::exists(p) && !overwrite) throw_output(path + " already exists; pass --overwrite to replace it");
}

namespace {
// The folders of DIR's path that do not exist yet, deepest first (what create_directories makes).
std::vector<std::string> missing_dirs(const std::string& dir) {
  std::vector<std::string> missing;
  std::error_code ec;
  for (fs::path p = fs::absolute(dir, ec).lexically_normal(); !ec && p.has_relative_path() && !fs::exists(p, ec);
       p = p.parent_path()) {
    if (p.filename().empty()) p = p.parent_path();  // "out/" normalizes to "out/" + ""
    missing.push_back(p.string());
  }
  return missing;
}
}  // namespace

OutputLock lock_output_dir(const std::string& dir, const std::string& job) {
  std::vector<std::string> created = missing_dirs(dir);
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw_output("cannot create output directory " + dir + ": " + ec.message());
  OutputLock lock;
  try {
    require_writable_dir(dir);
    lock = OutputLock(lock_path_for_dir(dir), dir, job);
  } catch (...) {
    for (const auto& d : created) fs::remove(d, ec);  // only folders this call made, only when empty
    throw;
  }
  lock.remove_when_empty(std::move(created));
  return lock;
}

OutputLock lock_output_file(const std::string& file, const std::string& job) {
  const fs::path p(file);
  const fs::path dir = p.has_parent_path() ? p.parent_path() : fs::path(".");
  if (!fs::exists(dir)) throw_output("output directory " + dir.string() + " does not exist");
  require_writable_dir(dir);
  return OutputLock(lock_path_for_file(file), file, job);
}

void remove_old_outputs(const std::string& dir, const std::vector<std::string>& names) {
  for (const auto& name : names) {
    const fs::path p = fs::path(dir) / name;
    std::error_code ec;
    fs::remove(p, ec);
    if (ec) throw_output("--overwrite: cannot remove the earlier " + p.string() + ": " + ec.message());
  }
}

void remove_unfinished_outputs(const std::string& dir, const std::vector<std::string>& names) noexcept {
  for (const auto& name : names) {
    std::error_code ignored;
    fs::remove(fs::path(dir) / name, ignored);
    fs::remove(fs::path(dir) / (name + ".partial"), ignored);
  }
}

std::vector<JobFile> files_in_dir(const std::string& dir, const std::vector<std::string>& names,
                                  const std::string& option) {
  std::vector<JobFile> files;
  for (const auto& name : names) {
    const std::string path = (fs::path(dir) / name).string();
    files.push_back({path, option});
    files.push_back({path + ".partial", option});
  }
  return files;
}

std::vector<JobFile> run_files(const std::string& results, const std::string& option) {
  if (results.empty()) return {};
  std::vector<JobFile> files{{results, option}};
  const fs::path p(results);
  if (p.filename() != "results.h5") return files;
  for (const char* name : {"report.json", "segments.csv", "report.html"})
    files.push_back({(p.parent_path() / name).string(), "the run " + option + " names"});
  return files;
}

namespace {

// The absolute path, "." and ".." removed by text alone (links not followed).
fs::path lexical(const std::string& path) {
  std::error_code ec;
  const fs::path p = fs::absolute(fs::path(path), ec);
  return (ec ? fs::path(path) : p).lexically_normal();
}

// The path with symlinks, "." and ".." resolved as far as it exists (the rest lexically). Made
// absolute first: a relative path none of which exists would otherwise stay relative; not
// normalized first: "link/.." is the parent of the link's target. A symlink loop or an
// unreadable component makes weakly_canonical fail: the lexical path is then the best there is
// to compare (reading the input reports the loop).
fs::path resolved(const std::string& path) {
  std::error_code ec;
  fs::path p = fs::absolute(fs::path(path), ec);
  if (ec) p = fs::path(path);
  const fs::path canonical = fs::weakly_canonical(p, ec);
  return ec ? lexical(path) : canonical;
}

// Whether writing `output` would replace `input`: the same resolved path, or (both existing)
// the same file under two names (fs::equivalent compares device and inode).
bool same_file(const fs::path& output, const fs::path& input) {
  if (output == input) return true;
  std::error_code ec;
  return fs::equivalent(output, input, ec) && !ec;
}

}  // namespace

void refuse_outputs_over_inputs(const std::vector<JobFile>& outputs, const std::vector<JobFile>& inputs) {
  for (const auto& in : inputs) {
    if (in.path.empty()) continue;
    const fs::path input = resolved(in.path);
    for (const auto& out : outputs) {
      if (out.path.empty()) continue;
      const fs::path output = resolved(out.path);
      if (!same_file(output, input)) continue;
      // Say how two different names are one file, when they are.
      std::string how;
      if (output != input)
        how = ": the same file under two names (a hard link)";
      else if (lexical(out.path) != lexical(in.path))
        how = ": both are " + input.string() + " once links are resolved";
      throw_usage("output " + out.path + " (" + out.option + ") would replace the input " + in.path + " (" + in.option +
                  ")" + how + "; write the outputs elsewhere (--overwrite never replaces an input)");
    }
  }
}

}  // namespace custseg::io
