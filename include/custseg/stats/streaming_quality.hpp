#pragma once
// The quality metrics and the silhouette sample of stats/cluster_quality.hpp and
// stats/row_sample.hpp for features that are not in memory (segment --memory-limit): the same
// exact sums and the same keyed draws, in passes over the chunks of a RowSource. The in-memory
// functions run these on a one-chunk source, so the figures are the same bits
// (tests/integration/test_streaming.cpp).
#include <cstdint>
#include <span>

#include "custseg/data/row_source.hpp"
#include "custseg/stats/cluster_quality.hpp"
#include "custseg/stats/row_sample.hpp"

namespace custseg::stats {

// cluster_quality over a RowSource is declared in stats/cluster_quality.hpp.

// Collective: draw_sample's rows (the same keyed draw), fetched from the source.
RowSample draw_sample(const mpi::Communicator& comm, data::RowSource& source, std::uint64_t target, std::uint64_t seed);

}  // namespace custseg::stats
