#pragma once
// The quality metrics and the silhouette sample of stats/cluster_quality.hpp and
// stats/row_sample.hpp for features that are not in memory (segment --memory-limit): the same
// exact sums and the same keyed draws, in passes over the chunks of a RowSource, so the figures
// are the bits the in-memory functions give (tests/integration/test_streaming.cpp).
#include <cstdint>
#include <span>

#include "custseg/data/row_source.hpp"
#include "custseg/stats/cluster_quality.hpp"
#include "custseg/stats/row_sample.hpp"

namespace custseg::stats {

// Collective; labels are per local row of the source. Everything but the silhouette.
ClusterQuality cluster_quality(const mpi::Communicator& comm, data::RowSource& source,
                               std::span<const std::int32_t> labels, std::size_t k);

// Collective: draw_sample's rows (the same keyed draw), fetched from the source.
RowSample draw_sample(const mpi::Communicator& comm, data::RowSource& source, std::uint64_t target, std::uint64_t seed);

}  // namespace custseg::stats
