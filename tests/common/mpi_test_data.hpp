#pragma once
// Shared test data: every rank can build the whole reference from a fixed seed and cut its own
// slice (after heFFTe/Ginkgo's MPI tests).
#include <unistd.h>

#include <filesystem>
#include <string>

#include "custseg/data/feature_matrix.hpp"
#include "custseg/io/partition.hpp"
#include "custseg/mpi/communicator.hpp"
#include "custseg/util/rng.hpp"

namespace custseg::testing {

// n rows of d features drawn around `groups` centres (a Gaussian mixture keyed by global row).
inline data::FeatureMatrix mixture_rows(std::uint64_t seed, const io::RowBlock& block, std::size_t d, int groups) {
  data::FeatureMatrix m;
  m.rows = block.count;
  m.dims = d;
  m.global_begin = block.begin;
  m.values.resize(m.rows * d);
  for (std::size_t i = 0; i < m.rows; ++i) {
    const std::uint64_t row = block.begin + i;
    const auto g = static_cast<int>(rng::bits(seed, 99, row) % static_cast<std::uint64_t>(groups));
    for (std::size_t j = 0; j < d; ++j)
      m.values[i * d + j] = 4.0 * ((g + static_cast<int>(j)) % groups) + rng::normal(seed, j + 1, row);
  }
  return m;
}

// A path that every rank agrees on (rank 0 picks it and broadcasts).
inline std::string shared_temp_path(const mpi::Communicator& comm, const std::string& stem) {
  std::string path;
  if (comm.is_root())
    path = (std::filesystem::temp_directory_path() /
            (stem + "-" + std::to_string(::getpid()) + "-np" + std::to_string(comm.size()) + ".h5")).string();
  comm.broadcast(path, 0);
  return path;
}

}  // namespace custseg::testing
