#include "custseg/config/clv_config.hpp"

#include <cmath>

#include "custseg/util/error.hpp"
#include "custseg/util/number_text.hpp"

namespace custseg::config {

void add_clv_model_options(po::options_description& desc, ClvModelOptions& m) {
  desc.add_options()
      ("frequency-column", po::value(&m.frequency_column)->default_value(m.frequency_column),
       "repeat purchases in the calibration period (same-day purchases counted once)")
      ("recency-column", po::value(&m.recency_column)->default_value(m.recency_column),
       "time from the first to the last purchase")
      ("age-column", po::value(&m.age_column)->default_value(m.age_column),
       "time from the first purchase to the end of the calibration period (same unit as recency)")
      ("monetary-column", po::value(&m.monetary_column)->default_value(m.monetary_column),
       "mean value of the repeat purchases (0 without any); when the table lacks it, gamma-gamma is skipped")
      ("horizon", po::value(&m.horizon)->default_value(m.horizon, number_text(m.horizon)),
       "expected purchases over this long after the calibration end, in the table's time unit")
      ("discount-rate", po::value(&m.discount_rate)->default_value(m.discount_rate, number_text(m.discount_rate)),
       "discount rate per time unit of the customer lifetime value over the horizon, e.g. 0.0018 a week "
       "(about 10% a year); 0 = undiscounted (docs/clv.md)");
}

const std::vector<std::string>& clv_model_option_names() {
  static const std::vector<std::string> names{"frequency-column", "recency-column", "age-column",
                                              "monetary-column",  "horizon",        "discount-rate"};
  return names;
}

void validate_clv_model_options(const ClvModelOptions& m) {
  if (!(m.horizon > 0.0) || !std::isfinite(m.horizon)) throw_usage("--horizon must be a finite number > 0");
  // The discounted sum steps through every time unit of the horizon (undiscounted it is closed):
  // a horizon in days given as weeks' worth of days would otherwise run for hours without a word.
  if (m.discount_rate > 0.0 && m.horizon > kMaxDiscountedHorizon)
    throw_usage("--horizon " + number_text(m.horizon) + " with --discount-rate: at most " +
                number_text(kMaxDiscountedHorizon) + " time units (the discounted CLV sums each unit step; "
                "10,000 weeks is 190 years, 10,000 days 27 years)");
  if (!(m.discount_rate >= 0.0) || !std::isfinite(m.discount_rate))
    throw_usage("--discount-rate must be a finite number >= 0");
}

bool parse_clv_config(int argc, char** argv, int rank, ClvConfig& c) {
  po::options_description desc(
      "custseg clv: fit BG/NBD (purchases, P(alive)) and gamma-gamma (spend per purchase) by maximum likelihood "
      "over all ranks; per-customer P(alive), expected purchases and expected spend");
  desc.add_options()
      ("input,i", po::value(&c.input), "customer table (HDF5) with one row per customer (required)")
      ("output,o", po::value(&c.output), "output directory for clv.h5 and clv.json (required)")
      ("key", po::value(&c.key)->default_value(c.key), "group of the table in the file (/KEY/<column>)")
      ("id-column", po::value(&c.id_column)->default_value(c.id_column),
       "customer id column, copied to clv.h5 as customer_id (numbers or strings, as they are) when the table has it");
  add_clv_model_options(desc, c.model);
  add_common_options(desc, c.common);
  if (!parse_options("custseg clv --input customers.h5 --output DIR [options]", desc, argc, argv, c.common, rank))
    return false;
  if (c.input.empty()) throw_usage("--input is required (see 'custseg clv --help')");
  if (c.output.empty()) throw_usage("--output is required (see 'custseg clv --help')");
  validate_clv_model_options(c.model);
  if (c.common.threads < 0) throw_usage("--threads must be 0 or more");
  return true;
}

}  // namespace custseg::config
