#pragma once
// The one reduction of exact fixed-point sums (util/fixed_point.hpp): element-wise Int128 sums
// across all ranks. Collective.
#include <span>

#include "custseg/mpi/communicator.hpp"
#include "custseg/util/fixed_point.hpp"

namespace custseg::mpi {

// Element-wise sum of 128-bit integers across all ranks (a user-defined MPI op on 16-byte words).
void allreduce_sum(const Communicator& comm, std::span<Int128> values);

}  // namespace custseg::mpi
