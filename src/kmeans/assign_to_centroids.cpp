// assign_to_centroids (assign_to_centroids.hpp).
#include "custseg/kmeans/assign_to_centroids.hpp"

#include <algorithm>
#include <cmath>

#include "custseg/data/row_source.hpp"
#include "custseg/kmeans/cluster_sums.hpp"
#include "row_passes.hpp"

namespace custseg::kmeans {

KMeansResult assign_to_centroids(const mpi::Communicator& comm, data::RowSource& source,
                                 const std::vector<double>& centroids, std::size_t k) {
  // The scales come from the rows' global maximum magnitude, as in fit(), widened to the
  // centroids: new rows need not surround the centroids (the fit's do, centroids being their
  // means), and the fixed-point bound on a squared distance assumes both lie inside the box. For
  // the training table nothing widens: the fit's scales, hence its exact sums and inertia.
  std::vector<double> max_abs = detail::global_max_abs(comm, source);
  const std::size_t d = max_abs.size();
  for (std::size_t i = 0; i < centroids.size(); ++i) max_abs[i % d] = std::max(max_abs[i % d], std::abs(centroids[i]));
  const SumScales scales = SumScales::from_max_abs(max_abs);
  KMeansResult r;
  r.centroids = centroids;
  r.labels.resize(source.rows());
  r.distance2.resize(source.rows());
  const ClusterSums sums = detail::global_lloyd_pass(comm, source, centroids, k, scales, r.labels, r.distance2);
  r.counts.assign(sums.counts.begin(), sums.counts.end());
  r.inertia = scales.distance.to_double(sums.inertia);
  r.algorithm = "assign";
  r.converged = true;
  r.requested_k = k;
  return r;
}

KMeansResult assign_to_centroids(const mpi::Communicator& comm, const data::FeatureMatrix& x,
                                 const std::vector<double>& centroids, std::size_t k) {
  data::InMemoryRows source(x);
  return assign_to_centroids(comm, source, centroids, k);
}

}  // namespace custseg::kmeans
