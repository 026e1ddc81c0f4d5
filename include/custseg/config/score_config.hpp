#pragma once
// custseg score: assign the customers of any table to the segments of a fitted model
// (a results.h5), with the model's own transforms, standardization, NaN policy and precision.
#include <cstdint>
#include <string>

#include "custseg/config/export_options.hpp"
#include "custseg/config/options.hpp"
#include "custseg/config/privacy_options.hpp"
#include "custseg/config/profile_options.hpp"

namespace custseg::config {

struct ScoreConfig {
  CommonOptions common;
  PrivacyOptions privacy;  // --pseudonymize-ids, --consent-column (docs/privacy.md)
  std::string model;   // a results.h5 written by segment or score (sweep writes none)
  std::string input;   // the customer table to score
  std::string output;  // directory for results.h5, report.json, segments.csv, report.html
  std::string key = "customers";
  std::string id_column;  // empty: the model's id column
  bool allow_duplicate_ids = false;
  std::string memory_limit = "0";
  std::uint64_t memory_limit_bytes = 0;
  ProfileOptions profile;  // what the reports say about the scored customers
  ExportOptions exports;   // --export: assignments.csv beside results.h5
};

bool parse_score_config(int argc, char** argv, int rank, ScoreConfig& out);

}  // namespace custseg::config
