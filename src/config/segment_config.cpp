#include "custseg/config/segment_config.hpp"

#include "custseg/util/byte_size.hpp"
#include "custseg/util/error.hpp"

namespace custseg::config {

bool parse_segment_config(int argc, char** argv, int rank, SegmentConfig& c) {
  po::options_description desc("custseg segment: distributed k-means segmentation of a customer table");
  desc.add_options()
      ("input,i", po::value(&c.input), "customer table (HDF5, /customers/<column>) (required)")
      ("output,o", po::value(&c.output), "output directory for results.h5, report.json, segments.csv (required)")
      ("k", po::value(&c.k)->default_value(c.k), "number of segments")
      ("seed", po::value(&c.seed)->default_value(c.seed), "random seed; same seed -> bitwise-identical results")
      ("features", po::value(&c.features), "comma-separated feature columns (default: the behavioural columns)")
      ("transform", po::value(&c.transform), "per-feature transforms, e.g. 'monetary:log1p, frequency:log1p' (others: none)")
      ("standardize", po::value(&c.standardize)->default_value(c.standardize), "z-score each feature after its transform")
      ("nan-policy", po::value(&c.nan_policy)->default_value(c.nan_policy),
       "rows with NaN/Inf features: fail (stop with an error) or drop (segment -1, counted in the report)")
      ("id-column", po::value(&c.id_column)->default_value(c.id_column), "customer id column")
      ("n-init", po::value(&c.n_init)->default_value(c.n_init), "restarts; the lowest inertia is kept")
      ("max-iter", po::value(&c.max_iter)->default_value(c.max_iter), "maximum Lloyd iterations per restart")
      ("tol", po::value(&c.tol)->default_value(c.tol),
       "converged when the total squared centroid shift <= tol x mean feature variance")
      ("init-rounds", po::value(&c.init_rounds)->default_value(c.init_rounds), "k-means|| oversampling rounds")
      ("oversampling", po::value(&c.oversampling)->default_value(c.oversampling),
       "k-means|| expected candidates per round, as a multiple of k")
      ("init", po::value(&c.init_file), "start from the centroids of a previous results.h5 (/model/centroids)")
      ("algorithm", po::value(&c.algorithm)->default_value(c.algorithm),
       "k-means step: lloyd, hamerly, yinyang or auto; all give identical labels, they differ in speed")
      ("precision", po::value(&c.precision)->default_value(c.precision),
       "feature storage during k-means: float32 (half the memory traffic) or float64")
      ("memory-limit", po::value(&c.memory_limit)->default_value(c.memory_limit),
       "memory per rank for the features, e.g. 2G; when a rank's block does not fit, every pass streams it "
       "from the input in chunks (identical results, more reading; 0 = no limit)");
  add_profile_options(desc, c.profile);
  add_common_options(desc, c.common);
  if (!parse_options("custseg segment --input FILE.h5 --output DIR --k K --seed S [options]", desc, argc, argv,
                     c.common, rank))
    return false;
  if (c.input.empty()) throw_usage("--input is required (see 'custseg segment --help')");
  if (c.output.empty()) throw_usage("--output is required (see 'custseg segment --help')");
  if (c.k < 1) throw_usage("--k must be at least 1 (got " + std::to_string(c.k) + ")");
  if (c.nan_policy != "fail" && c.nan_policy != "drop")
    throw_usage("--nan-policy must be fail or drop (got '" + c.nan_policy + "')");
  if (c.n_init < 1) throw_usage("--n-init must be at least 1");
  if (c.max_iter < 1) throw_usage("--max-iter must be at least 1");
  if (!(c.tol >= 0)) throw_usage("--tol must be 0 or more");
  if (c.init_rounds < 0) throw_usage("--init-rounds must be 0 or more");
  if (!(c.oversampling > 0)) throw_usage("--oversampling must be positive");
  if (c.common.threads < 0) throw_usage("--threads must be 0 or more");
  if (c.algorithm != "lloyd" && c.algorithm != "hamerly" && c.algorithm != "yinyang" && c.algorithm != "auto")
    throw_usage("--algorithm must be lloyd, hamerly, yinyang or auto (got '" + c.algorithm + "')");
  if (c.precision != "float32" && c.precision != "float64")
    throw_usage("--precision must be float32 or float64 (got '" + c.precision + "')");
  c.memory_limit_bytes = parse_byte_size(c.memory_limit, "--memory-limit");
  validate_profile_options(c.profile);
  return true;
}

}  // namespace custseg::config
