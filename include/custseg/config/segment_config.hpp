#pragma once
#include <cstdint>
#include <string>

#include "custseg/config/options.hpp"
#include "custseg/config/profile_options.hpp"

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
  std::string algorithm = "auto";     // lloyd | hamerly | yinyang | auto (identical labels)
  std::string precision = "float32";  // storage of the features during k-means
  std::string memory_limit = "0";     // per rank, e.g. "2G": beyond it the features stream from the file
  std::uint64_t memory_limit_bytes = 0;  // parsed; 0 = no limit
  ProfileOptions profile;  // KPIs, protected columns, privacy floor, fairness threshold, silhouette sample
};

bool parse_segment_config(int argc, char** argv, int rank, SegmentConfig& out);

}  // namespace custseg::config
