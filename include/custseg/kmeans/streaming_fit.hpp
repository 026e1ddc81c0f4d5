#pragma once
// k-means over a RowSource (data larger than memory, segment --memory-limit): the driver's loop
// (driver.cpp) with every pass over this rank's rows split into chunks, each chunk's exact
// ClusterSums merged before the one collective of the iteration. The k-means|| initialisation,
// the empty-cluster re-seeding and the final assignment are chunked the same way.
//
// Same decisions from the same exact sums and the same per-row results, so the centroids,
// labels, distances and counts are the bits fit() gives in memory, for any chunk size and rank
// count. The steps are plain Lloyd: the bound-based steps (Hamerly, Yinyang) keep per-row state
// that a streamed block does not hold, and give the same labels anyway (local_step.hpp).
#include "custseg/data/row_source.hpp"
#include "custseg/kmeans/driver.hpp"

namespace custseg::kmeans {

// Collective: every rank calls it with a source of the same chunk count.
KMeansResult fit_streaming(const mpi::Communicator& comm, data::RowSource& source, const KMeansOptions& options,
                           double variance_scale, const Logger& log);

}  // namespace custseg::kmeans
