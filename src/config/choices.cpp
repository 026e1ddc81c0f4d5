#include "custseg/config/choices.hpp"

#include "custseg/util/error.hpp"

namespace custseg::config {

data::Precision parse_precision(const std::string& name) {
  if (name == "float32") return data::Precision::float32;
  if (name == "float64") return data::Precision::float64;
  throw_usage("--precision must be float32 or float64 (got '" + name + "')");
}

data::NanPolicy parse_nan_policy(const std::string& name) {
  if (name == "fail") return data::NanPolicy::fail;
  if (name == "drop") return data::NanPolicy::drop;
  throw_usage("--nan-policy must be fail or drop (got '" + name + "')");
}

std::string to_string(data::NanPolicy policy) { return policy == data::NanPolicy::drop ? "drop" : "fail"; }

}  // namespace custseg::config
