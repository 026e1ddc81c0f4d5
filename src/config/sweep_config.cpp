#include "custseg/config/sweep_config.hpp"

#include <set>

#include "custseg/config/k_values.hpp"
#include "custseg/config/privacy_options.hpp"

#include "custseg/util/error.hpp"
#include "custseg/util/number_text.hpp"

namespace custseg::config {

bool parse_sweep_config(int argc, char** argv, int rank, SweepConfig& c) {
  po::options_description desc("custseg sweep: k-means over a range of k on data loaded once, with restarts per k");
  desc.add_options()
      ("input,i", po::value(&c.input),
       "customer table (HDF5: /KEY/<column> datasets, or a pandas to_hdf file; docs/input-hdf5.md) (required)")
      ("output,o", po::value(&c.output),
       "output directory for sweep.csv and the recommended k's report.json, segments.csv, report.html (required)")
      ("k", po::value(&c.k_range)->default_value(c.k_range), "values of k: MIN:MAX or MIN-MAX (inclusive) or a list such as 2,4,6; at least two, at most 64")
      ("seed", po::value(&c.seed)->default_value(c.seed), "random seed; same seed -> bitwise-identical results");
  add_data_options(desc, c.data, "rows with NaN/Inf features: fail or drop");
  desc.add_options()
      ("n-init", po::value(&c.restarts)->default_value(c.restarts),
       "k-means restarts per k (the same name as segment's): the lowest inertia is kept, their agreement is the "
       "stability")
      ("restarts", po::value<int>(&c.restarts), "the former name of --n-init (still accepted)");
  add_fit_options(desc, c.fit);
  desc.add_options()
      ("min-stability", po::value(&c.min_stability)->default_value(c.min_stability, number_text(c.min_stability)),
       "a k is a candidate for the recommendation only if its restarts agree at least this much (mean adjusted Rand "
       "index on the sample)");
  add_profile_options(desc, c.profile);
  add_privacy_options(desc, c.privacy, nullptr, true);
  add_common_options(desc, c.common);
  std::set<std::string> given;
  if (!parse_options("custseg sweep --input FILE.h5 --output DIR --k MIN:MAX [options]", desc, argc, argv, c.common, rank,
                     &given))
    return false;
  if (given.count("n-init") && given.count("restarts")) throw_usage("give --n-init or its former name --restarts, not both");
  if (c.input.empty()) throw_usage("--input is required (see 'custseg sweep --help')");
  if (c.output.empty()) throw_usage("--output is required (see 'custseg sweep --help')");
  c.k_values = parse_k_values(c.k_range);
  if (c.restarts < 1) throw_usage("--n-init must be at least 1");
  validate_fit_options(c.fit);
  if (!(c.min_stability >= -1 && c.min_stability <= 1)) throw_usage("--min-stability must be in [-1, 1]");
  if (c.common.threads < 0) throw_usage("--threads must be 0 or more");
  validate_profile_options(c.profile);
  return true;
}

}  // namespace custseg::config
