// custseg_bench_allreduce: time MPI_Allreduce of n 16-byte integers summed by a user-defined op
// (the way custseg reduces its exact Int128 cluster sums, include/custseg/mpi/exact_sum.hpp) for
// a range of message sizes, and print one CSV line per size on rank 0:
//
//   ranks,bytes,elements,repetitions,seconds_median,seconds_min
//
// scripts/bench_scaling.py fits t(m) = alpha + m / bandwidth to these points for the model.
//
//   mpirun -np 2 custseg_bench_allreduce [max_bytes=16777216] [min_seconds_per_size=0.2]
#include <mpi.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <vector>

namespace {

__extension__ using Int128 = __int128;

void sum_int128(void* in, void* inout, int* len, MPI_Datatype*) {
  const auto* a = static_cast<const Int128*>(in);
  auto* b = static_cast<Int128*>(inout);
  for (int i = 0; i < *len; ++i) b[i] += a[i];
}

// Every rank runs the same number of repetitions: rank 0 decides and broadcasts.
int repetitions_for(double seconds_one, double budget, MPI_Comm comm) {
  int reps = static_cast<int>(std::clamp(budget / std::max(seconds_one, 1e-7), 10.0, 2000.0));
  MPI_Bcast(&reps, 1, MPI_INT, 0, comm);
  return reps;
}

}  // namespace

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  const MPI_Comm comm = MPI_COMM_WORLD;
  int rank = 0, size = 1;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &size);
  const long long max_bytes = argc > 1 ? std::atoll(argv[1]) : 16LL << 20;
  const double budget = argc > 2 ? std::atof(argv[2]) : 0.2;

  MPI_Datatype type;
  MPI_Type_contiguous(static_cast<int>(sizeof(Int128)), MPI_BYTE, &type);
  MPI_Type_commit(&type);
  MPI_Op op;
  MPI_Op_create(&sum_int128, /*commute=*/1, &op);

  if (rank == 0) std::printf("ranks,bytes,elements,repetitions,seconds_median,seconds_min\n");
  for (long long elements = 1; elements * 16 <= max_bytes; elements *= 4) {
    std::vector<Int128> buffer(static_cast<std::size_t>(elements), static_cast<Int128>(rank + 1));
    // Warm-up (connection setup, page faults), then the fastest of five calls sizes the repetitions.
    for (int w = 0; w < 3; ++w)
      MPI_Allreduce(MPI_IN_PLACE, buffer.data(), static_cast<int>(elements), type, op, comm);
    double one = 1e30, t0 = 0.0;
    for (int s = 0; s < 5; ++s) {
      MPI_Barrier(comm);
      t0 = MPI_Wtime();
      MPI_Allreduce(MPI_IN_PLACE, buffer.data(), static_cast<int>(elements), type, op, comm);
      one = std::min(one, MPI_Wtime() - t0);
    }
    const int reps = repetitions_for(one, budget, comm);
    std::vector<double> times;
    times.reserve(static_cast<std::size_t>(reps));
    for (int r = 0; r < reps; ++r) {
      // The barrier keeps ranks from drifting apart, so each sample is one allreduce, not a wait.
      MPI_Barrier(comm);
      t0 = MPI_Wtime();
      MPI_Allreduce(MPI_IN_PLACE, buffer.data(), static_cast<int>(elements), type, op, comm);
      times.push_back(MPI_Wtime() - t0);
    }
    // The slowest rank's time is the collective's time.
    MPI_Allreduce(MPI_IN_PLACE, times.data(), reps, MPI_DOUBLE, MPI_MAX, comm);
    std::sort(times.begin(), times.end());
    if (rank == 0)
      std::printf("%d,%lld,%lld,%d,%.9g,%.9g\n", size, elements * 16, elements, reps, times[times.size() / 2],
                  times.front());
  }
  MPI_Op_free(&op);
  MPI_Type_free(&type);
  MPI_Finalize();
  return 0;
}
