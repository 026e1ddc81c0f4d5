#include "custseg/config/options.hpp"

#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

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

namespace {

// Boost reads "-1" into an unsigned option as 18446744073709551615 (lexical_cast wraps it): every
// unsigned option is checked here, on the text, for all jobs and for INI files alike.
template <class T>
bool holds(const po::value_semantic* semantic) {
  return dynamic_cast<const po::typed_value<T>*>(semantic) != nullptr;
}

bool is_unsigned_option(const po::value_semantic* semantic) {
  return holds<unsigned char>(semantic) || holds<unsigned short>(semantic) || holds<unsigned>(semantic) ||
         holds<unsigned long>(semantic) || holds<unsigned long long>(semantic);
}

void refuse_negative_unsigned(const po::options_description& desc, const po::parsed_options& parsed) {
  for (const auto& option : parsed.options) {
    const auto* d = desc.find_nothrow(option.string_key, false);
    if (!d || !is_unsigned_option(d->semantic().get())) continue;
    for (const auto& token : option.value) {
      const auto first = token.find_first_not_of(" \t");
      if (first != std::string::npos && token[first] == '-')
        throw_usage("--" + option.string_key + " must not be negative (got " + token + ")");
    }
  }
}

// Positional arguments: no job takes any, so the first one is named in a usage error (Boost's own
// message, "too many positional options", does not say which word it was).
constexpr const char* kPositional = "custseg-positional-argument";

void refuse_positional(const po::parsed_options& parsed, const std::string& usage_line) {
  for (const auto& option : parsed.options)
    if (option.string_key == kPositional && !option.value.empty())
      throw_usage("unexpected argument '" + option.value.front() + "' (options start with --; see '" +
                  usage_line.substr(0, usage_line.find(" [")) + " --help')");
}

// Boost's error messages substitute %canonical_option%, %option%, %original_token%, %prefix% and
// %value% until none is left, so a name or value that holds one of them never ends (found by
// fuzz/ini_fuzz: an INI key "mi%canonical_option%n-segment-size" hung what()). No option name or
// value of ours needs them: refused before Boost sees the text.
void refuse_boost_placeholders(const std::string& text, const std::string& where) {
  for (const char* token : {"%canonical_option%", "%option%", "%original_token%", "%prefix%", "%value%"})
    if (text.find(token) != std::string::npos) throw_usage(where + " holds '" + token + "', which no option takes");
}

}  // namespace

bool parse_options(const std::string& usage_line, const po::options_description& desc, int argc, char** argv,
                   const CommonOptions&, int rank, std::set<std::string>* given) {
  po::variables_map vm;
  for (int i = 1; i < argc; ++i) refuse_boost_placeholders(argv[i], "the command line");
  try {
    po::options_description command_line;
    command_line.add(desc).add_options()(kPositional, po::value<std::vector<std::string>>(), "");
    po::positional_options_description positional;
    positional.add(kPositional, -1);
    const po::parsed_options parsed =
        po::command_line_parser(argc, argv).options(command_line).positional(positional).run();
    refuse_positional(parsed, usage_line);
    refuse_negative_unsigned(desc, parsed);
    po::store(parsed, vm);
    if (vm.count("help")) {
      if (rank == 0) std::cout << "usage: " << usage_line << "\n\n" << desc << "\n";
      return false;
    }
    if (vm.count("config")) {
      const auto path = vm["config"].as<std::string>();
      std::ifstream file(path);
      if (!file) throw_usage("cannot read config file " + path);
      std::stringstream in;
      in << file.rdbuf();
      refuse_boost_placeholders(in.str(), "config file " + path);
      // Stored after the command line, so command-line values win (Boost keeps the first). Its
      // errors name the file: the key and value are in it, not on the command line.
      try {
        const po::parsed_options from_file = po::parse_config_file(in, desc, /*allow_unregistered=*/false);
        refuse_negative_unsigned(desc, from_file);
        po::store(from_file, vm);
      } catch (const po::error& e) {
        throw_usage("config file " + path + ": " + e.what() + " (see '" + usage_line.substr(0, usage_line.find(" [")) +
                    " --help' for the keys)");
      } catch (const Error& e) {
        throw_usage("config file " + path + ": " + e.what());
      }
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
