#include "row_passes.hpp"

#include <algorithm>
#include <cmath>

#include "custseg/kmeans/driver.hpp"
#include "custseg/kmeans/lloyd_step.hpp"
#include "custseg/mpi/exact_sum.hpp"

namespace custseg::kmeans::detail {

data::FeatureMatrix fetch_rows(const mpi::Communicator& comm, data::RowSource& source,
                               const std::vector<std::size_t>& local_rows) {
  data::FeatureMatrix out;
  if (source.streaming()) mpi::agree(comm, [&] { out = source.rows_at(comm, local_rows); });
  else out = source.rows_at(comm, local_rows);
  return out;
}

ClusterSums global_lloyd_pass(const mpi::Communicator& comm, data::RowSource& source,
                              const std::vector<double>& centroids, std::size_t k, const SumScales& scales,
                              std::span<std::int32_t> labels, std::span<float> distance2) {
  LocalPass local{ClusterSums(k, source.dims()), source.rows()};
  for_each_chunk(comm, source, [&](const data::FeatureMatrix& x, std::size_t begin) {
    const std::span<float> distances = distance2.empty() ? std::span<float>() : distance2.subspan(begin, x.rows);
    local.sums.merge(lloyd_local_step(x, centroids, k, scales, labels.subspan(begin, x.rows), distances));
  });
  return reduce_sums(comm, std::move(local)).sums;
}

void distances_to_labels_pass(const mpi::Communicator& comm, data::RowSource& source, const std::vector<double>& centroids,
                         std::span<const std::int32_t> labels, std::span<float> distance2) {
  for_each_chunk(comm, source, [&](const data::FeatureMatrix& x, std::size_t begin) {
    kmeans::distances_to_labels(x, centroids, labels.subspan(begin, x.rows), distance2.subspan(begin, x.rows));
  });
}

std::vector<double> global_max_abs(const mpi::Communicator& comm, data::RowSource& source) {
  const std::size_t d = source.dims();
  std::vector<double> max_abs(d, 0.0);
  for_each_chunk(comm, source, [&](const data::FeatureMatrix& x, std::size_t) {
    data::visit_rows(x, [&](const auto* rows) {
      for (std::size_t i = 0; i < x.rows; ++i)
        for (std::size_t j = 0; j < d; ++j)
          max_abs[j] = std::max(max_abs[j], std::abs(static_cast<double>(rows[i * d + j])));
    });
  });
  comm.allreduce_max(max_abs);
  return max_abs;
}

std::vector<double> global_square_sums(const mpi::Communicator& comm, data::RowSource& source,
                                       const std::vector<double>& max_abs) {
  const std::vector<FixedPoint> scales = square_sum_scales(max_abs);
  std::vector<Int128> total(source.dims(), 0);
  for_each_chunk(comm, source, [&](const data::FeatureMatrix& x, std::size_t) {
    const std::vector<Int128> partial = local_square_sums(x, scales);
    for (std::size_t j = 0; j < total.size(); ++j) total[j] += partial[j];
  });
  mpi::allreduce_sum(comm, total);
  return square_sums_to_double(total, scales);
}

}  // namespace custseg::kmeans::detail
