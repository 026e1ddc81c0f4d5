#include "custseg/stats/row_sample.hpp"

#include "custseg/data/row_source.hpp"
#include "custseg/stats/streaming_quality.hpp"

namespace custseg::stats {

RowSample draw_sample(const mpi::Communicator& comm, const data::FeatureMatrix& x, std::uint64_t target,
                      std::uint64_t seed) {
  // One implementation of the keyed draw (streaming_quality.cpp), on a one-chunk source.
  data::InMemoryRows source(x);
  return draw_sample(comm, source, target, seed);
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
