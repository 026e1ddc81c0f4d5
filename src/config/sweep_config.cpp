#include "custseg/config/sweep_config.hpp"

#include "custseg/util/error.hpp"

namespace custseg::config {

namespace {

void parse_k_range(SweepConfig& c) {
  const auto colon = c.k_range.find(':');
  try {
    if (colon == std::string::npos) {
      c.k_min = c.k_max = std::stoll(c.k_range);
    } else {
      c.k_min = std::stoll(c.k_range.substr(0, colon));
      c.k_max = std::stoll(c.k_range.substr(colon + 1));
    }
  } catch (const std::exception&) {
    throw_usage("--k must be MIN:MAX, e.g. 2:12 (got '" + c.k_range + "')");
  }
  if (c.k_min < 1 || c.k_max < c.k_min) throw_usage("--k must be MIN:MAX with 1 <= MIN <= MAX (got '" + c.k_range + "')");
  if (c.k_max - c.k_min > 63) throw_usage("--k spans more than 64 values of k (got '" + c.k_range + "')");
}

}  // namespace

bool parse_sweep_config(int argc, char** argv, int rank, SweepConfig& c) {
  po::options_description desc("custseg sweep: k-means over a range of k on data loaded once, with restarts per k");
  desc.add_options()
      ("input,i", po::value(&c.input), "customer table (HDF5, /customers/<column>) (required)")
      ("output,o", po::value(&c.output),
       "output directory for sweep.csv and the recommended k's report.json, segments.csv, report.html (required)")
      ("k", po::value(&c.k_range)->default_value(c.k_range), "range of k, MIN:MAX inclusive")
      ("seed", po::value(&c.seed)->default_value(c.seed), "random seed; same seed -> bitwise-identical results")
      ("features", po::value(&c.features), "comma-separated feature columns (default: the behavioural columns)")
      ("transform", po::value(&c.transform), "per-feature transforms, e.g. 'monetary:log1p, frequency:log1p' (others: none)")
      ("standardize", po::value(&c.standardize)->default_value(c.standardize), "z-score each feature after its transform")
      ("nan-policy", po::value(&c.nan_policy)->default_value(c.nan_policy), "rows with NaN/Inf features: fail or drop")
      ("id-column", po::value(&c.id_column)->default_value(c.id_column), "customer id column")
      ("restarts", po::value(&c.restarts)->default_value(c.restarts),
       "k-means restarts per k: the lowest inertia is kept, their agreement is the stability")
      ("max-iter", po::value(&c.max_iter)->default_value(c.max_iter), "maximum Lloyd iterations per restart")
      ("tol", po::value(&c.tol)->default_value(c.tol),
       "converged when the total squared centroid shift <= tol x mean feature variance")
      ("init-rounds", po::value(&c.init_rounds)->default_value(c.init_rounds), "k-means|| oversampling rounds")
      ("oversampling", po::value(&c.oversampling)->default_value(c.oversampling),
       "k-means|| expected candidates per round, as a multiple of k")
      ("min-stability", po::value(&c.min_stability)->default_value(c.min_stability, "0.8"),
       "a k is a candidate for the recommendation only if its restarts agree at least this much (mean adjusted Rand "
       "index on the sample)");
  add_profile_options(desc, c.profile);
  add_common_options(desc, c.common);
  if (!parse_options("custseg sweep --input FILE.h5 --output DIR --k MIN:MAX [options]", desc, argc, argv, c.common, rank))
    return false;
  if (c.input.empty()) throw_usage("--input is required (see 'custseg sweep --help')");
  if (c.output.empty()) throw_usage("--output is required (see 'custseg sweep --help')");
  parse_k_range(c);
  if (c.nan_policy != "fail" && c.nan_policy != "drop")
    throw_usage("--nan-policy must be fail or drop (got '" + c.nan_policy + "')");
  if (c.restarts < 1) throw_usage("--restarts must be at least 1");
  if (c.max_iter < 1) throw_usage("--max-iter must be at least 1");
  if (!(c.tol >= 0)) throw_usage("--tol must be 0 or more");
  if (c.init_rounds < 0) throw_usage("--init-rounds must be 0 or more");
  if (!(c.oversampling > 0)) throw_usage("--oversampling must be positive");
  if (!(c.min_stability >= -1 && c.min_stability <= 1)) throw_usage("--min-stability must be in [-1, 1]");
  if (c.common.threads < 0) throw_usage("--threads must be 0 or more");
  validate_profile_options(c.profile);
  return true;
}

}  // namespace custseg::config
