#include "custseg/config/compare_config.hpp"

#include "custseg/config/privacy_options.hpp"

#include "custseg/util/error.hpp"

namespace custseg::config {

bool parse_compare_config(int argc, char** argv, int rank, CompareConfig& c) {
  po::options_description desc(
      "custseg compare: join two runs by customer id; migration matrix (customers and KPIs moved), adjusted Rand "
      "index, centroid drift and population stability per feature");
  desc.add_options()
      ("previous", po::value(&c.previous), "results.h5 of the earlier run (required)")
      ("current", po::value(&c.current), "results.h5 of the later run (required)")
      ("output,o", po::value(&c.output), "output directory for migration.csv, report.json, report.html (required)")
      ("previous-input", po::value(&c.previous_input)->default_value(c.previous_input),
       "customer table the previous run segmented, for KPI weighting and feature stability (rows in the same order "
       "as its assignments); empty: the table path the run recorded (/model input_path) when that file still exists, "
       "else KPI weighting and stability are skipped with a note")
      ("current-input", po::value(&c.current_input)->default_value(c.current_input),
       "customer table the current run segmented (same rules as the previous one)")
      ("previous-key", po::value(&c.previous_key)->default_value(c.previous_key),
       "group of the previous input table (/KEY/<column>); empty: the run's recorded key, else customers")
      ("current-key", po::value(&c.current_key)->default_value(c.current_key),
       "group of the current input table (same rules as the previous one)");
  add_privacy_options(desc, c.privacy, "error messages that name a customer (duplicate or mismatched ids)", false);
  add_common_options(desc, c.common);
  if (!parse_options("custseg compare --previous A/results.h5 --current B/results.h5 --output DIR [options]", desc,
                     argc, argv, c.common, rank))
    return false;
  if (c.previous.empty()) throw_usage("--previous is required (see 'custseg compare --help')");
  if (c.current.empty()) throw_usage("--current is required (see 'custseg compare --help')");
  if (c.output.empty()) throw_usage("--output is required (see 'custseg compare --help')");
  if (c.common.threads < 0) throw_usage("--threads must be 0 or more");
  return true;
}

}  // namespace custseg::config
