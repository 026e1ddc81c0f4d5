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
      ("input,i", po::value(&c.input),
       "customer table (HDF5: /KEY/<column> datasets, or a pandas to_hdf file; docs/input-hdf5.md) (required)")
      ("output,o", po::value(&c.output),
       "output directory for sweep.csv and the recommended k's report.json, segments.csv, report.html (required)")
      ("k", po::value(&c.k_range)->default_value(c.k_range), "range of k, MIN:MAX inclusive")
      ("seed", po::value(&c.seed)->default_value(c.seed), "random seed; same seed -> bitwise-identical results");
  add_data_options(desc, c.data, "rows with NaN/Inf features: fail or drop");
  desc.add_options()
      ("restarts", po::value(&c.restarts)->default_value(c.restarts),
       "k-means restarts per k: the lowest inertia is kept, their agreement is the stability");
  add_fit_options(desc, c.fit);
  desc.add_options()
      ("min-stability", po::value(&c.min_stability)->default_value(c.min_stability, shortest_text(c.min_stability)),
       "a k is a candidate for the recommendation only if its restarts agree at least this much (mean adjusted Rand "
       "index on the sample)");
  add_profile_options(desc, c.profile);
  add_common_options(desc, c.common);
  if (!parse_options("custseg sweep --input FILE.h5 --output DIR --k MIN:MAX [options]", desc, argc, argv, c.common, rank))
    return false;
  if (c.input.empty()) throw_usage("--input is required (see 'custseg sweep --help')");
  if (c.output.empty()) throw_usage("--output is required (see 'custseg sweep --help')");
  parse_k_range(c);
  if (c.restarts < 1) throw_usage("--restarts must be at least 1");
  validate_fit_options(c.fit);
  if (!(c.min_stability >= -1 && c.min_stability <= 1)) throw_usage("--min-stability must be in [-1, 1]");
  if (c.common.threads < 0) throw_usage("--threads must be 0 or more");
  validate_profile_options(c.profile);
  return true;
}

}  // namespace custseg::config
