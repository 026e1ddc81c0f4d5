#include "custseg/config/data_options.hpp"

#include "custseg/util/error.hpp"

namespace custseg::config {

void add_data_options(po::options_description& desc, DataOptions& d, const char* nan_policy_help) {
  desc.add_options()
      ("features", po::value(&d.features), "comma-separated feature columns (default: the behavioural columns)")
      ("transform", po::value(&d.transform), "per-feature transforms, e.g. 'monetary:log1p, frequency:log1p' (others: none)")
      ("standardize", po::value(&d.standardize)->default_value(d.standardize), "z-score each feature after its transform")
      ("nan-policy", po::value(&d.nan_policy)->default_value(d.nan_policy), nan_policy_help)
      ("id-column", po::value(&d.id_column)->default_value(d.id_column), "customer id column");
}

void validate_data_options(const DataOptions& d) {
  if (d.nan_policy != "fail" && d.nan_policy != "drop")
    throw_usage("--nan-policy must be fail or drop (got '" + d.nan_policy + "')");
}

}  // namespace custseg::config
