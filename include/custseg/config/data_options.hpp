#pragma once
// Options choosing what the k-means sees of the customer table (shared by segment and sweep):
// the feature columns, their transforms and scaling, what to do with NaN/Inf, the id column.
#include <string>

#include "custseg/config/options.hpp"

namespace custseg::config {

struct DataOptions {
  std::string features;   // comma list; empty = the behavioural columns present in the input
  std::string transform;  // "name:kind, ..."
  bool standardize = true;
  std::string nan_policy = "fail";
  std::string id_column = "customer_id";
};

// --features, --transform, --standardize, --nan-policy, --id-column. The jobs describe
// --nan-policy differently (segment explains the -1 label), hence its help text is passed in.
void add_data_options(po::options_description& desc, DataOptions& d, const char* nan_policy_help);
// Usage errors for out-of-range values.
void validate_data_options(const DataOptions& d);

}  // namespace custseg::config
