// The collective of the empty-cluster re-seeding (reseed.hpp): local candidates, one gather,
// the same choice on every rank.
#include "reseed.hpp"

#include "custseg/mpi/communicator.hpp"
#include "row_passes.hpp"

namespace custseg::kmeans::detail {

int reseed_empty_clusters(const mpi::Communicator& comm, data::RowSource& source, const ClusterSums& global,
                          std::span<const float> distance2, std::vector<double>& centroids) {
  const std::vector<std::size_t> empty = empty_clusters(global);
  if (empty.empty()) return 0;
  const std::size_t d = source.dims();
  // Local top-m by distance, their features fetched by index, then the global top-m from
  // everyone's candidates.
  const std::vector<std::size_t> order =
      farthest_rows(distance2, [&](std::size_t i) { return source.global_row(i); }, empty.size());
  const data::FeatureMatrix got = fetch_rows(comm, source, order);
  std::vector<double> mine;
  data::visit_rows(got, [&](const auto* rows) {
    for (std::size_t t = 0; t < order.size(); ++t)
      pack_far_row(FarRow{distance2[order[t]], source.global_row(order[t]),
                          std::vector<double>(rows + t * d, rows + (t + 1) * d)},
                   mine);
  });
  reseed_from(unpack_far_rows(comm.allgatherv(mine), d), empty, centroids);
  return static_cast<int>(empty.size());
}

std::vector<std::size_t> clusters_if_all_points(const mpi::Communicator& comm, data::RowSource& source,
                                                const ClusterSums& global, std::span<const std::int32_t> labels) {
  std::vector<double> extents = empty_cluster_extents(global.k, global.d);
  for_each_chunk(comm, source, [&](const data::FeatureMatrix& x, std::size_t begin) {
    merge_cluster_extents(x, labels.subspan(begin, x.rows), extents);
  });
  comm.allreduce_max(extents);  // every rank, even with zero rows
  return one_point_clusters(extents, global);
}

}  // namespace custseg::kmeans::detail
