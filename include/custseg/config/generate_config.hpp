#pragma once
#include <cstdint>
#include <string>

#include "custseg/config/options.hpp"

namespace custseg::config {

struct GenerateConfig {
  CommonOptions common;
  std::uint64_t rows = 100000;
  std::uint64_t seed = 42;
  std::string output;
  std::uint64_t chunk_rows = 1 << 20;
};

// Returns false if only --help was asked for. Throws usage errors.
bool parse_generate_config(int argc, char** argv, int rank, GenerateConfig& out);

}  // namespace custseg::config
