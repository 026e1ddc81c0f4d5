#pragma once
// What preparation (prepare.hpp) is asked to do: plain options, no MPI, so the config layer can
// parse into them.
#include <string>

#include "custseg/data/feature_matrix.hpp"

namespace custseg::data {

enum class NanPolicy { fail, drop };

struct PrepareOptions {
  std::string features;   // comma list; empty = behavioural columns present in the table
  std::string transform;  // "name:kind, ..."
  bool standardize = true;
  NanPolicy nan_policy = NanPolicy::fail;
  Precision precision = Precision::float32;  // storage of the prepared features (feature_matrix.hpp)
};

}  // namespace custseg::data
