#include "custseg/config/segment_config.hpp"

#include "custseg/util/byte_size.hpp"
#include "custseg/util/error.hpp"

namespace custseg::config {

bool parse_segment_config(int argc, char** argv, int rank, SegmentConfig& c) {
  po::options_description desc("custseg segment: distributed k-means segmentation of a customer table");
  desc.add_options()
      ("input,i", po::value(&c.input),
       "customer table (HDF5: /KEY/<column> datasets, or a pandas to_hdf file; docs/input-hdf5.md) (required)")
      ("output,o", po::value(&c.output), "output directory for results.h5, report.json, segments.csv (required)")
      ("k", po::value(&c.k)->default_value(c.k), "number of segments")
      ("seed", po::value(&c.seed)->default_value(c.seed), "random seed; same seed -> bitwise-identical results");
  add_data_options(desc, c.data,
                   "rows with NaN/Inf features: fail (stop with an error) or drop (segment -1, counted in the report)");
  desc.add_options()
      ("allow-duplicate-ids", po::value(&c.allow_duplicate_ids)->default_value(c.allow_duplicate_ids),
       "accept a customer id that appears on more than one row (default: an input error naming the first repeat)")
      ("n-init", po::value(&c.n_init)->default_value(c.n_init), "restarts; the lowest inertia is kept");
  add_fit_options(desc, c.fit);
  desc.add_options()
      ("init", po::value(&c.init_file), "start from the centroids of a previous results.h5 (/model/centroids)")
      ("memory-limit", po::value(&c.memory_limit)->default_value(c.memory_limit),
       "memory per rank for the features, e.g. 2G; when a rank's block does not fit, every pass streams it "
       "from the input in chunks (identical results, more reading; 0 = no limit)")
      ("checkpoint-every", po::value(&c.checkpoint_every)->default_value(c.checkpoint_every),
       "write OUTPUT/checkpoint.h5 after every N-th k-means iteration (0 = only when stopped by SIGTERM or "
       "SIGUSR1, which always writes one and exits 75; docs/checkpoint-resume.md)")
      ("resume", po::bool_switch(&c.resume),
       "continue from OUTPUT/checkpoint.h5 (same input and result-affecting options, any number of ranks); "
       "results are bitwise identical to an uninterrupted run");
  add_profile_options(desc, c.profile);
  add_common_options(desc, c.common);
  if (!parse_options("custseg segment --input FILE.h5 --output DIR --k K --seed S [options]", desc, argc, argv,
                     c.common, rank))
    return false;
  if (c.input.empty()) throw_usage("--input is required (see 'custseg segment --help')");
  if (c.output.empty()) throw_usage("--output is required (see 'custseg segment --help')");
  if (c.k < 1) throw_usage("--k must be at least 1 (got " + std::to_string(c.k) + ")");
  if (c.n_init < 1) throw_usage("--n-init must be at least 1");
  if (c.checkpoint_every < 0) throw_usage("--checkpoint-every must be 0 or more (got " + std::to_string(c.checkpoint_every) + ")");
  validate_fit_options(c.fit);
  if (c.common.threads < 0) throw_usage("--threads must be 0 or more");
  c.memory_limit_bytes = parse_byte_size(c.memory_limit, "--memory-limit");
  validate_profile_options(c.profile);
  return true;
}

}  // namespace custseg::config
