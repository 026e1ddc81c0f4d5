#pragma once
// The fitted per-feature transform and standardization, as plain data: what results.h5 and the
// reports need from data/transform.hpp, without its MPI-dependent fitting.
// Scaled value = (f(x) - mean) / scale.
#include <string>
#include <vector>

namespace custseg::data {

enum class TransformKind { none, log1p };

std::string to_string(TransformKind kind);

struct FeatureScaling {
  std::vector<std::string> names;
  std::vector<TransformKind> kinds;
  std::vector<double> mean;   // of f(x), over all ranks' kept rows
  std::vector<double> scale;  // population standard deviation of f(x); 1 for a constant feature
};

}  // namespace custseg::data
