// libFuzzer target: INI text given to a job's --config, parsed by that job's own option parser
// (Boost.Program_options' parse_config_file, then each job's checks). The first byte picks the
// job; the rest is the INI file. The only acceptable failure is a custseg::Error (a usage error
// naming the option): anything else escaping (a Boost exception, a bad_any_cast, a crash)
// aborts and is a bug.
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "custseg/config/compare_config.hpp"
#include "custseg/config/generate_config.hpp"
#include "custseg/config/score_config.hpp"
#include "custseg/config/segment_config.hpp"
#include "custseg/config/sweep_config.hpp"
#include "custseg/ingest/ingest_config.hpp"
#include "custseg/util/error.hpp"

namespace {

// The INI text as a file the parser can open, without touching the disk.
class MemoryFile {
 public:
  explicit MemoryFile(const std::uint8_t* data, std::size_t size) : fd_(::memfd_create("ini_fuzz", 0)) {
    if (fd_ < 0 || ::write(fd_, data, size) != static_cast<ssize_t>(size)) std::abort();
  }
  ~MemoryFile() { ::close(fd_); }
  [[nodiscard]] std::string path() const { return "/proc/self/fd/" + std::to_string(fd_); }

 private:
  int fd_;
};

template <class Config, class Parse>
void parse_as(const char* job, const std::string& path, Parse parse) {
  std::vector<std::string> args = {job, "--config", path};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  Config cfg;
  try {
    // Rank 1: a rank that never prints --help text, so the run stays quiet.
    (void)parse(static_cast<int>(argv.size()), argv.data(), 1, cfg);
  } catch (const custseg::Error& e) {
    if (e.code() != custseg::ExitCode::usage && e.code() != custseg::ExitCode::input) std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const MemoryFile ini(data + 1, size - 1);
  const std::string path = ini.path();
  using namespace custseg;
  switch (data[0] % 6) {
    case 0: parse_as<config::SegmentConfig>("segment", path, config::parse_segment_config); break;
    case 1: parse_as<config::ScoreConfig>("score", path, config::parse_score_config); break;
    case 2: parse_as<config::SweepConfig>("sweep", path, config::parse_sweep_config); break;
    case 3: parse_as<config::CompareConfig>("compare", path, config::parse_compare_config); break;
    case 4: parse_as<config::GenerateConfig>("generate", path, config::parse_generate_config); break;
    default: parse_as<ingest::IngestConfig>("ingest", path, ingest::parse_ingest_config); break;
  }
  return 0;
}
