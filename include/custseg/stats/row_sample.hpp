#pragma once
// A deterministic sample of rows for the O(m^2) metrics (silhouette) and for comparing restarts
// (adjusted Rand index). A row is in the sample when a keyed uniform draw of its *global* row index
// falls below target / rows, so the sample is the same for any number of ranks; gathered in global
// row order, every rank holds the same sample.
#include <cstdint>
#include <span>
#include <vector>

#include "custseg/data/feature_matrix.hpp"
#include "custseg/mpi/communicator.hpp"

namespace custseg::stats {

struct RowSample {
  std::vector<std::size_t> local_rows;  // this rank's sampled rows (indices into the matrix)
  std::size_t dims = 0;
  std::vector<double> values;           // all ranks' sampled rows, size() x dims, in global row order
  [[nodiscard]] std::size_t size() const { return dims ? values.size() / dims : 0; }
};

// Collective. `target` is the expected sample size (0: empty sample); all rows when target >= rows.
RowSample draw_sample(const mpi::Communicator& comm, const data::FeatureMatrix& x, std::uint64_t target,
                      std::uint64_t seed);

// The labels of the sampled rows, from every rank, in sample order. Collective.
std::vector<std::int32_t> gather_sample_labels(const mpi::Communicator& comm, const RowSample& sample,
                                               std::span<const std::int32_t> labels);

}  // namespace custseg::stats
