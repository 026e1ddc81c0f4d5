#include "custseg/config/options.hpp"

#include <charconv>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "custseg/util/error.hpp"

namespace custseg::config {

void add_common_options(po::options_description& desc, CommonOptions& c) {
  desc.add_options()
      ("help,h", "print this help and exit")
      ("config", po::value(&c.config_file), "INI file with any of these options (command line wins)")
      ("threads", po::value(&c.threads)->default_value(c.threads),
       "TBB threads per rank (0 = all cores this process may use); results do not depend on it")
      ("quiet,q", po::bool_switch(&c.quiet), "print errors only")
      ("verbose,v", po::bool_switch(&c.verbose), "print per-phase details")
      ("overwrite", po::bool_switch(&c.overwrite), "replace existing outputs instead of refusing");
}

std::string shortest_text(double v) {
  char buf[32];
  const auto end = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::general).ptr;
  return {buf, end};
}

bool parse_options(const std::string& usage_line, const po::options_description& desc, int argc, char** argv,
                   const CommonOptions&, int rank, std::set<std::string>* given) {
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(argc, argv).options(desc).run(), vm);
    if (vm.count("help")) {
      if (rank == 0) std::cout << "usage: " << usage_line << "\n\n" << desc << "\n";
      return false;
    }
    if (vm.count("config")) {
      const auto path = vm["config"].as<std::string>();
      std::ifstream in(path);
      if (!in) throw_usage("cannot read config file " + path);
      // Stored after the command line, so command-line values win (Boost keeps the first).
      po::store(po::parse_config_file(in, desc, /*allow_unregistered=*/false), vm);
    }
    po::notify(vm);
    if (given)
      for (const auto& [name, value] : vm)
        if (!value.defaulted()) given->insert(name);
  } catch (const po::error& e) {
    throw_usage(std::string(e.what()) + " (see '" + usage_line.substr(0, usage_line.find(" [")) + " --help')");
  }
  return true;
}

}  // namespace custseg::config
