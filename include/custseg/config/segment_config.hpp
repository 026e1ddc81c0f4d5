#pragma once
#include <cstdint>
#include <string>

#include "custseg/config/options.hpp"

namespace custseg::config {

struct SegmentConfig {
  CommonOptions common;
  std::string input;
  std::string output;
  std::int64_t k = 8;
  std::uint64_t seed = 1;
  std::string features;   // comma list; empty = the behavioural columns present in the input
  std::string transform;  // "name:kind, ..."
  bool standardize = true;
  std::string nan_policy = "fail";
  std::string id_column = "customer_id";
  int n_init = 3;
  int max_iter = 300;
  double tol = 1e-4;
  int init_rounds = 5;
  double oversampling = 2.0;
  std::string init_file;
};

bool parse_segment_config(int argc, char** argv, int rank, SegmentConfig& out);

}  // namespace custseg::config
