#pragma once
// custseg compare: who moved where between two runs (see configs/compare.ini, docs/compare.md).
#include <string>

#include "custseg/config/options.hpp"
#include "custseg/config/privacy_options.hpp"

namespace custseg::config {

struct CompareConfig {
  CommonOptions common;
  PrivacyOptions privacy;  // --pseudonymize-ids, --consent-column (docs/privacy.md)
  std::string previous;        // results.h5 of the earlier run
  std::string current;         // results.h5 of the later run
  std::string output;          // directory for migration.csv, report.json, report.html
  std::string previous_input;  // customer table the previous run read ("" = its /model input_path)
  std::string current_input;
  std::string previous_key;    // group of that table ("" = the run's /model input_key, else customers)
  std::string current_key;
};

// Returns false when --help was asked for. Usage errors for missing or bad options.
bool parse_compare_config(int argc, char** argv, int rank, CompareConfig& out);

}  // namespace custseg::config
