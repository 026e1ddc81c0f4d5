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

}  // namespace custseg::io
