#pragma once
// custseg clv: BG/NBD and gamma-gamma fits over all ranks and per-customer figures (issue 14;
// configs/clv.ini documents every option).
#include <string>

#include "custseg/config/options.hpp"

namespace custseg::config {

struct ClvConfig {
  CommonOptions common;
  std::string input;   // customer table (HDF5) with the sufficient-statistics columns
  std::string output;  // directory for clv.h5 and clv.json
  std::string key = "customers";
  std::string id_column = "customer_id";  // copied to clv.h5 when the table has it
  std::string frequency_column = "frequency";
  std::string recency_column = "recency";
  std::string age_column = "T";
  std::string monetary_column = "monetary_value";  // absent from the table: no gamma-gamma fit
  double horizon = 52.0;  // expected purchases over this long, in the table's time unit
  double discount_rate = 0.0;  // per time unit, for the discounted CLV (0: undiscounted)
};

// Returns false when --help was asked for. Usage errors for missing or bad options.
bool parse_clv_config(int argc, char** argv, int rank, ClvConfig& out);

}  // namespace custseg::config
