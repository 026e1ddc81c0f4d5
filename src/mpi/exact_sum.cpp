#include "custseg/mpi/exact_sum.hpp"

#include <mutex>

namespace custseg {

namespace mpi {
namespace {

void sum_int128(void* in, void* inout, int* len, MPI_Datatype*) {
  const auto* a = static_cast<const Int128*>(in);
  auto* b = static_cast<Int128*>(inout);
  for (int i = 0; i < *len; ++i) b[i] += a[i];
}

struct Int128Sum {
  MPI_Datatype type = MPI_DATATYPE_NULL;
  MPI_Op op = MPI_OP_NULL;
};

// Created once per process on first use; MPI frees them at MPI_Finalize.
const Int128Sum& int128_sum() {
  static Int128Sum instance;
  static std::once_flag once;
  std::call_once(once, [] {
    check(MPI_Type_contiguous(static_cast<int>(sizeof(Int128)), MPI_BYTE, &instance.type), "MPI_Type_contiguous");
    check(MPI_Type_commit(&instance.type), "MPI_Type_commit");
    check(MPI_Op_create(&sum_int128, /*commute=*/1, &instance.op), "MPI_Op_create");
  });
  return instance;
}

}  // namespace

void allreduce_sum(const Communicator& comm, std::span<Int128> values) {
  const auto& s = int128_sum();
  check(MPI_Allreduce(MPI_IN_PLACE, values.data(), static_cast<int>(values.size()), s.type, s.op, comm.raw()),
        "MPI_Allreduce(int128)");
}

}  // namespace mpi

}  // namespace custseg
