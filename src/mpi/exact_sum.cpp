#include "custseg/mpi/exact_sum.hpp"

#include <algorithm>
#include <mutex>

namespace custseg {

FixedPoint FixedPoint::for_max_abs(double max_abs) {
  if (!(max_abs > 0.0) || !std::isfinite(max_abs)) return FixedPoint(0);
  // |x| < 2^(ilogb(max_abs)+1), so x * 2^(61 - ilogb) < 2^62.
  return FixedPoint(61 - std::ilogb(max_abs));
}

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

double exact_global_sum(const mpi::Communicator& comm, std::span<const double> values) {
  double local_max = 0.0;
  for (double v : values) local_max = std::max(local_max, std::abs(v));
  const FixedPoint scale = FixedPoint::for_max_abs(comm.max(local_max));
  Int128 total = 0;
  for (double v : values) total += scale.to_fixed(v);
  mpi::allreduce_sum(comm, std::span(&total, 1));
  return scale.to_double(total);
}

}  // namespace custseg
