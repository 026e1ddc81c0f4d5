#pragma once
// custseg clv, and segment --clv: BG/NBD and gamma-gamma fits over all ranks and per-customer
// figures (issue 14; configs/clv.ini documents every option).
#include <string>

#include "custseg/config/options.hpp"

namespace custseg::config {

// The model options `clv` and `segment --clv` share: which columns hold the sufficient
// statistics (docs/clv.md), and what the per-customer figures are computed over.
struct ClvModelOptions {
  std::string frequency_column = "frequency";
  std::string recency_column = "recency";
  std::string age_column = "T";
  std::string monetary_column = "monetary_value";  // absent from the table: no gamma-gamma fit
  double horizon = 52.0;  // expected purchases over this long, in the table's time unit
  double discount_rate = 0.0;  // per time unit, for the discounted CLV (0: undiscounted)
};

// Adds --frequency-column ... --discount-rate to `desc`.
void add_clv_model_options(po::options_description& desc, ClvModelOptions& m);
// The longest horizon of a discounted CLV, in time units (each unit is one step of the sum).
inline constexpr double kMaxDiscountedHorizon = 10000.0;
// Usage errors for a horizon that is not > 0 (or above kMaxDiscountedHorizon with a discount
// rate), or a discount rate that is negative or not finite.
void validate_clv_model_options(const ClvModelOptions& m);
// The option names add_clv_model_options adds (segment refuses them without --clv).
const std::vector<std::string>& clv_model_option_names();

struct ClvConfig {
  CommonOptions common;
  std::string input;   // customer table (HDF5) with the sufficient-statistics columns
  std::string output;  // directory for clv.h5 and clv.json
  std::string key = "customers";
  std::string id_column = "customer_id";  // copied to clv.h5 when the table has it
  ClvModelOptions model;
};

// Returns false when --help was asked for. Usage errors for missing or bad options.
bool parse_clv_config(int argc, char** argv, int rank, ClvConfig& out);

}  // namespace custseg::config
