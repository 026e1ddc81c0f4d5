// The checkpoint file (checkpoint.hpp): serial HDF5 written by rank 0, atomically.
#include "custseg/kmeans/checkpoint.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <span>

#include "custseg/io/hdf5.hpp"
#include "custseg/util/error.hpp"

namespace custseg::kmeans {

namespace {

namespace fs = std::filesystem;
__extension__ using UInt128 = unsigned __int128;  // the exact inertia's bits, split in two words

template <class T>
void write_vector(const io::File& f, const std::string& path, const std::vector<T>& values) {
  f.create_dataset(path, io::column_type_of<T>(), {values.size()});
  if (!values.empty()) f.write_rows<T>(path, io::RowBlock{0, values.size()}, std::span<const T>(values));
}

template <class T>
std::vector<T> read_vector(const io::File& f, const std::string& path) {
  if (f.dims(path).at(0) == 0) return {};
  return f.read_all<T>(path);
}

void write_history(const io::File& f, const std::string& group, const std::vector<IterationRecord>& h) {
  f.create_group(group);
  std::vector<std::int32_t> iteration, reseeded;
  std::vector<double> inertia, shift, seconds;
  std::vector<std::uint8_t> limited;
  std::vector<std::uint64_t> searched;
  for (const IterationRecord& r : h) {
    iteration.push_back(r.iteration);
    reseeded.push_back(r.reseeded);
    inertia.push_back(r.inertia);
    shift.push_back(r.shift);
    seconds.push_back(r.seconds);
    limited.push_back(r.distinct_limited ? 1 : 0);
    searched.push_back(r.rows_searched);
  }
  write_vector(f, group + "/iteration", iteration);
  write_vector(f, group + "/reseeded", reseeded);
  write_vector(f, group + "/inertia", inertia);
  write_vector(f, group + "/shift", shift);
  write_vector(f, group + "/seconds", seconds);
  write_vector(f, group + "/distinct_limited", limited);
  write_vector(f, group + "/rows_searched", searched);
}

std::vector<IterationRecord> read_history(const io::File& f, const std::string& group) {
  const auto iteration = read_vector<std::int32_t>(f, group + "/iteration");
  const auto reseeded = read_vector<std::int32_t>(f, group + "/reseeded");
  const auto inertia = read_vector<double>(f, group + "/inertia");
  const auto shift = read_vector<double>(f, group + "/shift");
  const auto seconds = read_vector<double>(f, group + "/seconds");
  const auto limited = read_vector<std::uint8_t>(f, group + "/distinct_limited");
  const auto searched = read_vector<std::uint64_t>(f, group + "/rows_searched");
  const std::size_t n = iteration.size();
  if (reseeded.size() != n || inertia.size() != n || shift.size() != n || seconds.size() != n ||
      limited.size() != n || searched.size() != n)
    throw_input("checkpoint " + f.path() + ": " + group + " datasets differ in length (corrupt file?)");
  std::vector<IterationRecord> h(n);
  for (std::size_t i = 0; i < n; ++i)
    h[i] = IterationRecord{iteration[i], inertia[i], shift[i], seconds[i], reseeded[i], limited[i] != 0, searched[i]};
  return h;
}

void write_best(const io::File& f, const CheckpointBest& b) {
  f.create_group("/best");
  f.write_attribute("/best", "run", std::int64_t{b.run});
  f.write_attribute("/best", "iterations", std::int64_t{b.iterations});
  f.write_attribute("/best", "converged", std::int64_t{b.converged ? 1 : 0});
  f.write_attribute("/best", "distinct_rows", static_cast<std::int64_t>(b.distinct_rows));
  write_vector(f, "/best/centroids", b.centroids);
  const auto bits = static_cast<UInt128>(b.inertia);
  write_vector(f, "/best/inertia",
               std::vector<std::uint64_t>{static_cast<std::uint64_t>(bits), static_cast<std::uint64_t>(bits >> 64)});
  write_history(f, "/best/history", b.history);
}

CheckpointBest read_best(const io::File& f) {
  CheckpointBest b;
  b.run = static_cast<int>(f.read_double_attribute("/best", "run"));
  b.iterations = static_cast<int>(f.read_double_attribute("/best", "iterations"));
  b.converged = f.read_double_attribute("/best", "converged") != 0.0;
  b.distinct_rows = static_cast<std::uint64_t>(f.read_double_attribute("/best", "distinct_rows"));
  b.centroids = read_vector<double>(f, "/best/centroids");
  const auto words = read_vector<std::uint64_t>(f, "/best/inertia");
  if (words.size() != 2) throw_input("checkpoint " + f.path() + ": /best/inertia is not 2 words (corrupt file?)");
  b.inertia = static_cast<Int128>((static_cast<UInt128>(words[1]) << 64) | words[0]);
  b.history = read_history(f, "/best/history");
  return b;
}

void write_file(const std::string& path, const Checkpoint& c) {
  io::File f = io::File::create_serial(path);
  f.write_attribute("/", "format", std::string(kCheckpointFormat));
  f.write_attribute("/", "format_version", std::int64_t{kCheckpointFormatVersion});
  f.write_attribute("/", "state", std::string(c.fitted ? "fitted" : "iterating"));
  f.write_attribute("/", "input_fingerprint", c.input_fingerprint);
  f.write_attribute("/", "config_fingerprint", hex64(c.config_fingerprint));
  f.write_attribute("/", "restart", std::int64_t{c.restart});
  f.write_attribute("/", "iteration", std::int64_t{c.iteration});
  f.write_attribute("/", "init_seconds", c.init_seconds);
  f.write_attribute("/", "iterate_seconds", c.iterate_seconds);
  f.create_group("/current");
  write_vector(f, "/current/centroids", c.centroids);
  write_history(f, "/current/history", c.history);
  write_vector(f, "/restart_inertia", c.restart_inertia);
  if (c.best) write_best(f, *c.best);
  f.close();
}

// fsync of a file or a directory; a failure means the checkpoint may not survive a crash.
void sync_path(const std::string& path, bool directory) {
  const int fd = ::open(path.c_str(), directory ? O_RDONLY | O_DIRECTORY : O_RDONLY);
  if (fd < 0 || ::fsync(fd) != 0) {
    if (fd >= 0) ::close(fd);
    throw_output("cannot fsync " + path + " (checkpoint)");
  }
  ::close(fd);
}

}  // namespace

std::uint64_t fnv1a64(const std::string& text) {
  std::uint64_t h = 14695981039346656037ULL;
  for (const unsigned char ch : text) {
    h ^= ch;
    h *= 1099511628211ULL;
  }
  return h;
}

std::string hex64(std::uint64_t value) {
  char text[17];
  std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(value));
  return text;
}

void write_checkpoint(const std::string& path, const Checkpoint& c) {
  const std::string temporary = path + ".tmp";
  write_file(temporary, c);
  sync_path(temporary, false);
  std::error_code ec;
  fs::rename(temporary, path, ec);
  if (ec) throw_output("cannot rename " + temporary + " to " + path + ": " + ec.message());
  const fs::path dir = fs::path(path).parent_path();
  sync_path(dir.empty() ? std::string(".") : dir.string(), true);
}

Checkpoint read_checkpoint(const std::string& path) {
  const io::File f = io::File::open_serial(path, false);
  const std::string where = "checkpoint " + path;
  if (!f.has_attribute("/", "format") || f.read_string_attribute("/", "format").at(0) != kCheckpointFormat)
    throw_input(where + " is not a custseg checkpoint (no format attribute 'custseg-checkpoint')");
  const double version = f.read_double_attribute("/", "format_version");
  if (version != kCheckpointFormatVersion)
    throw_input(where + " has format version " + std::to_string(static_cast<int>(version)) + "; this custseg reads " +
                std::to_string(kCheckpointFormatVersion) + " (resume with the custseg that wrote it, or rerun without --resume)");
  Checkpoint c;
  c.fitted = f.read_string_attribute("/", "state").at(0) == "fitted";
  c.input_fingerprint = f.read_string_attribute("/", "input_fingerprint").at(0);
  c.config_fingerprint = std::stoull(f.read_string_attribute("/", "config_fingerprint").at(0), nullptr, 16);
  c.restart = static_cast<int>(f.read_double_attribute("/", "restart"));
  c.iteration = static_cast<int>(f.read_double_attribute("/", "iteration"));
  c.init_seconds = f.read_double_attribute("/", "init_seconds");
  c.iterate_seconds = f.read_double_attribute("/", "iterate_seconds");
  c.centroids = read_vector<double>(f, "/current/centroids");
  c.history = read_history(f, "/current/history");
  c.restart_inertia = read_vector<double>(f, "/restart_inertia");
  if (f.exists("/best")) c.best = read_best(f);
  return c;
}

}  // namespace custseg::kmeans
