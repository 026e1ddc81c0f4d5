#include "custseg/config/fit_options.hpp"

#include "custseg/util/error.hpp"

namespace custseg::config {

void add_fit_options(po::options_description& desc, FitOptions& f) {
  desc.add_options()
      ("max-iter", po::value(&f.max_iter)->default_value(f.max_iter), "maximum Lloyd iterations per restart")
      ("tol", po::value(&f.tol)->default_value(f.tol),
       "converged when the total squared centroid shift <= tol x mean feature variance")
      ("init-rounds", po::value(&f.init_rounds)->default_value(f.init_rounds), "k-means|| oversampling rounds")
      ("oversampling", po::value(&f.oversampling)->default_value(f.oversampling),
       "k-means|| expected candidates per round, as a multiple of k");
}

void validate_fit_options(const FitOptions& f) {
  if (f.max_iter < 1) throw_usage("--max-iter must be at least 1");
  if (!(f.tol >= 0)) throw_usage("--tol must be 0 or more");
  if (f.init_rounds < 0) throw_usage("--init-rounds must be 0 or more");
  if (!(f.oversampling > 0)) throw_usage("--oversampling must be positive");
}

}  // namespace custseg::config
