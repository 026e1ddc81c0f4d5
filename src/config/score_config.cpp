#include "custseg/config/score_config.hpp"

#include "custseg/config/privacy_options.hpp"

#include "custseg/util/byte_size.hpp"
#include "custseg/util/error.hpp"

namespace custseg::config {

bool parse_score_config(int argc, char** argv, int rank, ScoreConfig& c) {
  po::options_description desc(
      "custseg score: assign the customers of a table to the segments of a fitted model (no refit: the model's "
      "transforms, mean/scale, NaN policy and precision)");
  desc.add_options()
      ("model,m", po::value(&c.model),
       "results.h5 of a segment or score run (docs/results-format.md; sweep writes none) (required)")
      ("input,i", po::value(&c.input),
       "customer table to score (HDF5, as for segment); it must hold every feature of the model, other columns are "
       "ignored (required)")
      ("output,o", po::value(&c.output),
       "output directory for results.h5, report.json, segments.csv, report.html, assignments.csv (required)")
      ("key", po::value(&c.key)->default_value(c.key), "group of the input table (/KEY/<column>, or a pandas to_hdf key)")
      ("id-column", po::value(&c.id_column), "customer id column (default: the model's id column)")
      ("allow-duplicate-ids", po::value(&c.allow_duplicate_ids)->default_value(c.allow_duplicate_ids),
       "accept a customer id that appears on more than one row (default: an input error naming the first repeat)")
      ("memory-limit", po::value(&c.memory_limit)->default_value(c.memory_limit),
       "memory per rank for the features, e.g. 2G; when a rank's block does not fit, it is scored in chunks "
       "streamed from the input (identical assignments; rows with NaN/Inf are refused; 0 = no limit)");
  add_profile_options(desc, c.profile);
  add_export_options(desc, c.exports);
  add_privacy_options(desc, c.privacy, "error messages about duplicate customer ids", true);
  add_common_options(desc, c.common);
  if (!parse_options("custseg score --model RUN/results.h5 --input FILE.h5 --output DIR [options]", desc, argc, argv,
                     c.common, rank))
    return false;
  if (c.model.empty()) throw_usage("--model is required (see 'custseg score --help')");
  if (c.input.empty()) throw_usage("--input is required (see 'custseg score --help')");
  if (c.output.empty()) throw_usage("--output is required (see 'custseg score --help')");
  if (c.key.empty()) throw_usage("--key must not be empty");
  if (c.common.threads < 0) throw_usage("--threads must be 0 or more");
  c.memory_limit_bytes = parse_byte_size(c.memory_limit, "--memory-limit");
  validate_profile_options(c.profile);
  return true;
}

}  // namespace custseg::config
