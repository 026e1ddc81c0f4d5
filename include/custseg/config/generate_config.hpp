#pragma once
#include <cstdint>
#include <string>

#include "custseg/config/options.hpp"
#include "custseg/data/transaction_log.hpp"

namespace custseg::config {

struct GenerateConfig {
  CommonOptions common;
  std::uint64_t rows = 100000;
  std::uint64_t seed = 42;
  std::string output;
  std::uint64_t chunk_rows = 1 << 20;
  bool wide = false;
  // 2: the same customer base one quarter later (data/synthetic.hpp PeriodTwoPlan), with behaviour
  // moved by `drift` (0 = unchanged); --rows and --seed are period 1's.
  int period = 1;
  double drift = 1.0;  // also write the engagement columns (16 behavioural columns in all)
  // File layout for large files (docs/io.md): dataset alignment in bytes and HDF5 chunk size in
  // rows; 0 = HDF5's packing and contiguous datasets (the default).
  std::uint64_t alignment = 0;
  std::uint64_t chunk_size = 0;
  // --transactions: write a CSV transaction log drawn from BG/NBD and gamma-gamma instead of the
  // table (data/transaction_log.hpp); `log` holds --customers, the model and the periods, with
  // log.seed = seed. chunk_rows is then customers per step.
  bool transactions = false;
  data::TransactionLogPlan log;
};

// Returns false if only --help was asked for. Throws usage errors.
bool parse_generate_config(int argc, char** argv, int rank, GenerateConfig& out);

}  // namespace custseg::config
