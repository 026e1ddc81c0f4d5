#pragma once
// Options choosing what the k-means sees of the customer table (shared by segment and sweep):
// the feature columns, their transforms and scaling, what to do with NaN/Inf, the id column and
// how the features are stored during k-means.
#include <string>

#include "custseg/config/options.hpp"
#include "custseg/data/feature_matrix.hpp"
#include "custseg/data/prepare_options.hpp"

namespace custseg::config {

struct DataOptions {
  std::string features;   // comma list; empty = the behavioural columns present in the input
  std::string transform;  // "name:kind, ..."
  bool standardize = true;
  data::NanPolicy nan_policy = data::NanPolicy::fail;
  std::string id_column = "customer_id";
  std::string key = "customers";  // the table's group: custseg/h5py columns, or a pandas to_hdf key
  data::Precision precision = data::Precision::float32;  // storage of the features during k-means
};

// --key, --features, --transform, --standardize, --nan-policy, --id-column, --precision. The jobs describe
// --nan-policy differently (segment explains the -1 label), hence its help text is passed in.
void add_data_options(po::options_description& desc, DataOptions& d, const char* nan_policy_help);

// What data::prepare_features (and prepare_streaming) take from these options.
data::PrepareOptions prepare_options(const DataOptions& d);

}  // namespace custseg::config
