#include "custseg/config/segment_config.hpp"

#include "custseg/config/clv_config.hpp"
#include "custseg/config/privacy_options.hpp"

#include <cmath>

#include "custseg/util/byte_size.hpp"
#include "custseg/util/error.hpp"
#include "custseg/util/number_text.hpp"

namespace custseg::config {

bool parse_segment_config(int argc, char** argv, int rank, SegmentConfig& c) {
  po::options_description desc("custseg segment: distributed k-means segmentation of a customer table");
  desc.add_options()
      ("input,i", po::value(&c.input),
       "customer table (HDF5: /KEY/<column> datasets, or a pandas to_hdf file; docs/input-hdf5.md) (required)")
      ("output,o", po::value(&c.output), "output directory for results.h5, report.json, segments.csv, report.html, assignments.csv (required)")
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
      ("previous", po::value(&c.previous),
       "results.h5 of the previous period: this run's segments are matched to its segments (minimum-cost "
       "assignment on centroid distances in the previous model's standardized space) and keep their stable "
       "IDs; others get fresh IDs (docs/segment-ids.md). Its features must be this run's")
      ("match-threshold", po::value(&c.match_threshold)->default_value(c.match_threshold, number_text(c.match_threshold)),
       "with --previous: a matched segment keeps the previous ID when its centroid is at most this far from the "
       "previous centroid, in the previous model's standard deviations (Euclidean over all features); farther "
       "segments get a fresh ID")
      ("warm-start", po::value(&c.warm_start)->default_value(c.warm_start, "false"),
       "with --previous: start k-means from the previous model's centroids (moved into this run's scaled space) "
       "instead of k-means||; the previous k must equal --k")
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
  po::options_description clv_desc("customer lifetime value (--clv; docs/clv.md)");
  clv_desc.add_options()
      ("clv", po::bool_switch(&c.clv),
       "also fit BG/NBD and gamma-gamma over all ranks on the table's calibration columns (ingest "
       "--calibration-end writes them): per-customer P(alive), expected purchases and CLV in results.h5 and "
       "assignments.csv, per segment in the KPI table, the fits and the calibration chart in report.html");
  add_clv_model_options(clv_desc, c.clv_model);
  desc.add(clv_desc);
  add_export_options(desc, c.exports);
  add_privacy_options(desc, c.privacy, "error messages about duplicate customer ids", true);
  add_common_options(desc, c.common);
  std::set<std::string> given;
  if (!parse_options("custseg segment --input FILE.h5 --output DIR --k K --seed S [options]", desc, argc, argv,
                     c.common, rank, &given))
    return false;
  if (c.input.empty()) throw_usage("--input is required (see 'custseg segment --help')");
  if (c.output.empty()) throw_usage("--output is required (see 'custseg segment --help')");
  if (c.k < 1) throw_usage("--k must be at least 1 (got " + std::to_string(c.k) + ")");
  if (c.n_init < 1) throw_usage("--n-init must be at least 1");
  if (c.checkpoint_every < 0) throw_usage("--checkpoint-every must be 0 or more (got " + std::to_string(c.checkpoint_every) + ")");
  validate_fit_options(c.fit);
  if (c.common.threads < 0) throw_usage("--threads must be 0 or more");
  if (!(c.match_threshold >= 0) || !std::isfinite(c.match_threshold))
    throw_usage("--match-threshold must be a finite number >= 0 (got " + std::to_string(c.match_threshold) + ")");
  if (c.warm_start && c.previous.empty()) throw_usage("--warm-start requires --previous");
  // Given without --previous it would be silently ignored: the user meant to match and did not.
  if (given.count("match-threshold") && c.previous.empty()) throw_usage("--match-threshold requires --previous");
  if (c.warm_start && !c.init_file.empty()) throw_usage("--warm-start and --init both choose the initial centroids: give one");
  c.memory_limit_bytes = parse_byte_size(c.memory_limit, "--memory-limit");
  validate_profile_options(c.profile);
  validate_clv_model_options(c.clv_model);
  // Given without --clv they would be silently ignored: the user meant to fit and did not.
  for (const std::string& name : clv_model_option_names())
    if (given.count(name) && !c.clv) throw_usage("--" + name + " requires --clv");
  return true;
}

}  // namespace custseg::config
