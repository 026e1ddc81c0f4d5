#pragma once
// k-means settings shared by segment, sweep and bench, and the one builder of kmeans::KMeansOptions
// from them. The number of restarts is not among them: the jobs name and use it differently
// (segment --n-init keeps the best, sweep --restarts also measures their agreement, bench runs one).
#include <cstddef>
#include <cstdint>

#include "custseg/config/options.hpp"
#include "custseg/kmeans/driver.hpp"
#include "custseg/kmeans/local_step.hpp"

namespace custseg::config {

// The built-in defaults are KMeansOptions' initializers (driver.hpp), the one place they are
// written, like mlpack's KMeans constructor: these fields and the jobs' --k / --n-init / --restarts
// take them from there, the --help text shows them, and kmeans_options copies every field back.
inline const kmeans::KMeansOptions kKMeansDefaults{};

struct FitOptions {
  int max_iter = kKMeansDefaults.max_iter;
  double tol = kKMeansDefaults.tol;
  int init_rounds = kKMeansDefaults.init_rounds;
  double oversampling = kKMeansDefaults.oversampling;
  kmeans::Algorithm algorithm = kKMeansDefaults.algorithm;  // identical labels whichever
  kmeans::FewerDistinct fewer_distinct = kKMeansDefaults.fewer_distinct;
};

// --max-iter, --tol (what bench exposes too).
void add_convergence_options(po::options_description& desc, FitOptions& f);
// --max-iter, --tol, --init-rounds, --oversampling, --algorithm, --fewer-distinct.
void add_fit_options(po::options_description& desc, FitOptions& f);
// Usage errors for out-of-range values.
void validate_fit_options(const FitOptions& f);

// The k-means options of one fit: every field set from `f` and the job's k, seed and restarts.
kmeans::KMeansOptions kmeans_options(const FitOptions& f, std::size_t k, std::uint64_t seed, int n_init);

}  // namespace custseg::config
