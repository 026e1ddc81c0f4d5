#include "custseg/config/fit_options.hpp"

#include "custseg/config/choices.hpp"
#include "custseg/util/error.hpp"
#include "custseg/util/number_text.hpp"

namespace custseg::config {

void add_convergence_options(po::options_description& desc, FitOptions& f) {
  desc.add_options()
      ("max-iter", po::value(&f.max_iter)->default_value(f.max_iter), "maximum Lloyd iterations per restart")
      ("tol", po::value(&f.tol)->default_value(f.tol, number_text(f.tol)),
       "converged when the total squared centroid shift <= tol x mean feature variance");
}

void add_fit_options(po::options_description& desc, FitOptions& f) {
  add_convergence_options(desc, f);
  desc.add_options()
      ("init-rounds", po::value(&f.init_rounds)->default_value(f.init_rounds), "k-means|| oversampling rounds")
      ("oversampling", po::value(&f.oversampling)->default_value(f.oversampling, number_text(f.oversampling)),
       "k-means|| expected candidates per round, as a multiple of k")
      ("algorithm", enum_value(&f.algorithm, kmeans::parse_algorithm),
       "k-means step: lloyd, hamerly, yinyang or auto; all give identical labels, they differ in speed")
      ("fewer-distinct", enum_value(&f.fewer_distinct, kmeans::parse_fewer_distinct),
       "when the data has fewer distinct rows than k: reduce (one segment per distinct row, said in the log and "
       "report.json) or fail (input error)");
}

void validate_fit_options(const FitOptions& f) {
  if (f.max_iter < 1) throw_usage("--max-iter must be at least 1");
  if (!(f.tol >= 0)) throw_usage("--tol must be 0 or more");
  if (f.init_rounds < 0) throw_usage("--init-rounds must be 0 or more");
  if (!(f.oversampling > 0)) throw_usage("--oversampling must be positive");
}

kmeans::KMeansOptions kmeans_options(const FitOptions& f, std::size_t k, std::uint64_t seed, int n_init) {
  kmeans::KMeansOptions o;
  o.k = k;
  o.seed = seed;
  o.max_iter = f.max_iter;
  o.tol = f.tol;
  o.n_init = n_init;
  o.init_rounds = f.init_rounds;
  o.oversampling = f.oversampling;
  o.algorithm = f.algorithm;
  o.fewer_distinct = f.fewer_distinct;
  return o;
}

}  // namespace custseg::config
