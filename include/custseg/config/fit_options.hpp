#pragma once
// k-means settings shared by segment and sweep. The number of restarts is not among them: the
// jobs name and use it differently (segment --n-init keeps the best, sweep --restarts also
// measures their agreement).
#include "custseg/config/options.hpp"

namespace custseg::config {

struct FitOptions {
  int max_iter = 300;
  double tol = 1e-4;
  int init_rounds = 5;
  double oversampling = 2.0;
};

// --max-iter, --tol, --init-rounds, --oversampling.
void add_fit_options(po::options_description& desc, FitOptions& f);
// Usage errors for out-of-range values.
void validate_fit_options(const FitOptions& f);

}  // namespace custseg::config
