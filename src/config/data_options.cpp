#include "custseg/config/data_options.hpp"

#include "custseg/config/choices.hpp"

namespace custseg::config {

void add_data_options(po::options_description& desc, DataOptions& d, const char* nan_policy_help) {
  desc.add_options()
      ("key", po::value(&d.key)->default_value(d.key),
       "group of the input table: /KEY/<column> datasets, or the key of a pandas DataFrame.to_hdf "
       "('fixed' or 'table' format); docs/input-hdf5.md")
      ("features", po::value(&d.features), "comma-separated feature columns (default: the behavioural columns)")
      ("transform", po::value(&d.transform), "per-feature transforms, e.g. 'monetary:log1p, frequency:log1p' (others: none); one KIND alone (none, "
       "log1p) applies to every feature")
      ("standardize", po::value(&d.standardize)->default_value(d.standardize), "z-score each feature after its transform")
      ("nan-policy", enum_value(&d.nan_policy, parse_nan_policy), nan_policy_help)
      ("id-column", po::value(&d.id_column)->default_value(d.id_column), "customer id column")
      ("precision", enum_value(&d.precision, parse_precision),
       "feature storage during k-means: float32 (half the memory traffic) or float64");
}

data::PrepareOptions prepare_options(const DataOptions& d) {
  data::PrepareOptions options;
  options.features = d.features;
  options.transform = d.transform;
  options.standardize = d.standardize;
  options.nan_policy = d.nan_policy;
  options.precision = d.precision;
  return options;
}

}  // namespace custseg::config
