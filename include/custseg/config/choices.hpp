#pragma once
// Options whose value is one of a few names (--algorithm, --precision, --nan-policy). They are
// parsed here, once, into their enums: a misspelt name is a usage error (exit 2) wherever it comes
// from (command line or INI file), never silently the default. The jobs see only the enums.
#include <string>

#include "custseg/config/options.hpp"
#include "custseg/data/feature_matrix.hpp"
#include "custseg/data/prepare_options.hpp"
#include "custseg/kmeans/local_step.hpp"

namespace custseg::config {

// "float32" | "float64"; throws a usage error otherwise.
data::Precision parse_precision(const std::string& name);
// "fail" | "drop"; throws a usage error otherwise.
data::NanPolicy parse_nan_policy(const std::string& name);
// The name parse_nan_policy reads (report.json records it).
std::string to_string(data::NanPolicy policy);
// The names of Precision and Algorithm (and kmeans::parse_algorithm) are their own modules'
// (feature_matrix.hpp, local_step.hpp); enum_value finds each to_string by argument-dependent lookup.

// A Program_options value for an enum option: the help shows the name of *target's current value
// (the struct's initializer is the only place the default is written), and the final value
// (command line, INI file or default) is parsed into *target when the options are notified, so a
// bad name throws the parser's usage error from parse_options.
template <class Enum>
po::typed_value<std::string>* enum_value(Enum* target, Enum (*parse)(const std::string&)) {
  return po::value<std::string>()->default_value(to_string(*target))->notifier(
      [target, parse](const std::string& name) { *target = parse(name); });
}

}  // namespace custseg::config
