// The chunked draw_sample of streaming_quality.hpp; row_sample.cpp's in-memory draw_sample
// runs it on a one-chunk source, so both paths make the same keyed draws.
#include "custseg/stats/streaming_quality.hpp"

#include "custseg/mpi/collective_guard.hpp"
#include "custseg/util/rng.hpp"
#include "custseg/util/rng_streams.hpp"

namespace custseg::stats {

RowSample draw_sample(const mpi::Communicator& comm, data::RowSource& source, std::uint64_t target, std::uint64_t seed) {
  RowSample s;
  s.dims = source.dims();
  const std::uint64_t rows = comm.sum(static_cast<std::uint64_t>(source.rows()));
  const double p = rows == 0 ? 0.0 : static_cast<double>(target) / static_cast<double>(rows);
  for (std::size_t i = 0; i < source.rows(); ++i) {
    if (p < 1.0 && rng::uniform(seed, rng::streams::kQualitySample, source.global_row(i)) >= p) continue;
    s.local_rows.push_back(i);
  }
  data::FeatureMatrix got;
  mpi::agree(comm, [&] { got = source.rows_at(comm, s.local_rows); });
  std::vector<double> mine;
  data::visit_rows(got, [&](const auto* values) {
    for (std::size_t t = 0; t < got.rows * got.dims; ++t) mine.push_back(static_cast<double>(values[t]));
  });
  // Blocks are contiguous and in rank order, so rank order is global row order.
  s.values = comm.allgatherv(mine);  // all ranks must reach this, even with nothing sampled
  return s;
}

}  // namespace custseg::stats
