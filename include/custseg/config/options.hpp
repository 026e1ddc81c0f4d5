#pragma once
// Command line + INI parsing shared by all jobs (Boost.Program_options). Every option can be
// given on the command line or in the INI file named by --config; the command line wins.
#include <boost/program_options.hpp>
#include <set>
#include <string>

#include "custseg/util/log.hpp"

namespace custseg::config {

namespace po = boost::program_options;

// Options every job has: --config, --threads, --quiet, --verbose, --overwrite, --help.
struct CommonOptions {
  std::string config_file;
  int threads = 1;
  bool quiet = false;
  bool verbose = false;
  bool overwrite = false;
  [[nodiscard]] Verbosity verbosity() const {
    return quiet ? Verbosity::quiet : verbose ? Verbosity::verbose : Verbosity::normal;
  }
};

void add_common_options(po::options_description& desc, CommonOptions& common);

// Parses argv (after the job name) and then the INI file. Returns false if --help was asked
// for (the help text is printed on rank 0). Throws a usage error on unknown or bad options.
// `given` (optional) receives the names of the options set on the command line or in the INI
// file, for options that only make sense together with another.
bool parse_options(const std::string& usage_line, const po::options_description& desc, int argc, char** argv,
                   const CommonOptions& common, int rank, std::set<std::string>* given = nullptr);

}  // namespace custseg::config
