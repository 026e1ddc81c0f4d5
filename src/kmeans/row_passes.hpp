#pragma once
// Passes over this rank's rows, whatever holds them (data::RowSource): rows in memory are one
// chunk, a streamed table many. The driver, k-means|| and the re-seeding make every pass through
// these, so an in-memory fit and a streamed one run the same code and give the same bits.
//
// Reading a chunk of a streamed source is collective (parallel HDF5), and a failed read must fail
// every rank: for streaming sources every read is followed by mpi::agree. All functions here are
// collective: every rank calls them in the same order, with any number of rows (none included).
#include <cstdint>
#include <span>
#include <vector>

#include "custseg/data/row_source.hpp"
#include "custseg/kmeans/cluster_sums.hpp"
#include "custseg/mpi/collective_guard.hpp"
#include "custseg/mpi/communicator.hpp"

namespace custseg::kmeans::detail {

// work(chunk, first local row of the chunk) for every chunk of the source.
template <class Work>
void for_each_chunk(const mpi::Communicator& comm, data::RowSource& source, Work&& work) {
  for (std::size_t c = 0; c < source.chunk_count(); ++c) {
    const data::FeatureMatrix* x = nullptr;
    if (source.streaming()) mpi::agree(comm, [&] { x = &source.chunk(c); });
    else x = &source.chunk(c);
    work(*x, source.chunk_begin(c));
  }
}

// The given local rows (any number per rank), in order, in the storage precision.
data::FeatureMatrix fetch_rows(const mpi::Communicator& comm, data::RowSource& source,
                               const std::vector<std::size_t>& local_rows);

// One Lloyd pass over every chunk, the chunks' exact sums merged, then the one collective:
// the global sums. Writes labels and, when distance2 is not empty, the squared distances.
ClusterSums global_lloyd_pass(const mpi::Communicator& comm, data::RowSource& source,
                              const std::vector<double>& centroids, std::size_t k, const SumScales& scales,
                              std::span<std::int32_t> labels, std::span<float> distance2);

// Squared distance of every local row to the centroid of its label (no collective but the reads).
void distances_to_labels_pass(const mpi::Communicator& comm, data::RowSource& source, const std::vector<double>& centroids,
                         std::span<const std::int32_t> labels, std::span<float> distance2);

// Global per-feature maximum magnitude: the fixed-point scales come from it.
std::vector<double> global_max_abs(const mpi::Communicator& comm, data::RowSource& source);

// Global sum over all rows of x_j^2 per feature, exact (lloyd_step.hpp), for inertia_from_sums.
std::vector<double> global_square_sums(const mpi::Communicator& comm, data::RowSource& source,
                                       const std::vector<double>& max_abs);

}  // namespace custseg::kmeans::detail
