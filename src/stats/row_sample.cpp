#include "custseg/stats/row_sample.hpp"

#include "custseg/util/rng.hpp"

namespace custseg::stats {

namespace {
constexpr std::uint64_t kSampleStream = 0x5a4d'91e5;  // separates these draws from k-means ones
}

RowSample draw_sample(const mpi::Communicator& comm, const data::FeatureMatrix& x, std::uint64_t target,
                      std::uint64_t seed) {
  RowSample s;
  s.dims = x.dims;
  const std::uint64_t rows = comm.sum(static_cast<std::uint64_t>(x.rows));
  const double p = rows == 0 ? 0.0 : static_cast<double>(target) / static_cast<double>(rows);
  std::vector<double> mine;
  data::visit_rows(x, [&](const auto* rows) {
    for (std::size_t i = 0; i < x.rows; ++i) {
      if (p < 1.0 && rng::uniform(seed, kSampleStream, x.global_row(i)) >= p) continue;
      s.local_rows.push_back(i);
      for (std::size_t j = 0; j < x.dims; ++j) mine.push_back(static_cast<double>(rows[i * x.dims + j]));
    }
  });
  // Blocks are contiguous and in rank order, so rank order is global row order.
  s.values = comm.allgatherv(mine);  // all ranks must reach this, even with nothing sampled
  return s;
}

std::vector<std::int32_t> gather_sample_labels(const mpi::Communicator& comm, const RowSample& sample,
                                               std::span<const std::int32_t> labels) {
  std::vector<std::int64_t> mine;
  mine.reserve(sample.local_rows.size());
  for (std::size_t i : sample.local_rows) mine.push_back(labels[i]);
  const std::vector<std::int64_t> all = comm.allgatherv(mine);
  return {all.begin(), all.end()};
}

}  // namespace custseg::stats
