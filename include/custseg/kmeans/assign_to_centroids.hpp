#pragma once
// Assigning rows to fixed centroids: the final assignment pass of a k-means fit (driver.cpp,
// run_once) on its own, for `custseg score`. The same kernel (row_passes.hpp global_lloyd_pass ->
// lloyd_local_step) with the same fixed-point scales, so scoring the training table reproduces
// its labels and distances bit for bit, for any rank and thread count.
#include <cstddef>
#include <vector>

#include "custseg/kmeans/kmeans_result.hpp"

namespace custseg {
namespace mpi { class Communicator; }
namespace data { struct FeatureMatrix; class RowSource; }
}  // namespace custseg

namespace custseg::kmeans {

// Collective. centroids: k * d in the space of the rows (standardized). Returns the given
// centroids, labels and squared distances per local row, global counts and the exact inertia;
// iterations 0, algorithm "assign".
KMeansResult assign_to_centroids(const mpi::Communicator& comm, data::RowSource& source,
                                 const std::vector<double>& centroids, std::size_t k);
KMeansResult assign_to_centroids(const mpi::Communicator& comm, const data::FeatureMatrix& x,
                                 const std::vector<double>& centroids, std::size_t k);

}  // namespace custseg::kmeans
