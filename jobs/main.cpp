// custseg: segment very large customer bases on clusters. `custseg <job> [options]`.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "custseg/mpi/communicator.hpp"
#include "custseg/util/error.hpp"
#include "jobs.hpp"

namespace {

struct Job {
  const char* name;
  int (*run)(const custseg::mpi::Communicator&, int, char**);
  const char* summary;
};

constexpr Job kJobs[] = {
    {"generate", custseg::jobs::generate, "write a synthetic customer table (parallel HDF5)"},
    {"segment", custseg::jobs::segment, "k-means segmentation of a customer table; results.h5 + reports"},
    {"score", custseg::jobs::score, "assign the customers of any table to a fitted model's segments (no refit)"},
    {"sweep", custseg::jobs::sweep, "k-means over a range of k (data loaded once): metrics, stability, recommended k"},
    {"bench", custseg::jobs::bench, "time the k-means steps on generated data (scripts/bench_kmeans.py)"},
    {"compare", custseg::jobs::compare, "who moved where between two runs: migration matrix, KPIs moved, ARI, drift, PSI"},
    {"ingest", custseg::jobs::ingest, "transaction log or aggregated table (CSV) -> customer table + data-quality report"},
};

void print_usage() {
  std::printf("usage: custseg <job> [options]   (custseg <job> --help for a job's options)\n\njobs:\n");
  for (const auto& job : kJobs) std::printf("  %-10s %s\n", job.name, job.summary);
  std::printf("\nexit codes: 0 ok, 1 internal error, 2 usage/configuration error, 3 input error, 4 output error,\n"
              "            75 stopped by SIGTERM/SIGUSR1 after writing a checkpoint (segment: rerun with --resume)\n");
}

// An HDF5 or MPI failure that reached main without going through agree() (which rethrows every
// failure as a plain, agreed Error) happened on this rank only: the others may be waiting in a
// collective, so take the job down with the failure's exit code instead of returning.
[[noreturn]] void abort_unagreed(const custseg::mpi::Communicator& world, const char* job, const custseg::Error& e) {
  std::fprintf(stderr, "custseg %s: error on rank %d: %s\n", job, world.rank(), e.what());
  std::fflush(stderr);
  MPI_Abort(MPI_COMM_WORLD, static_cast<int>(e.code()));
  std::abort();
}

}  // namespace

int main(int argc, char** argv) {
  custseg::mpi::Environment environment(argc, argv);
  const custseg::mpi::Communicator world;
  if (argc < 2 || std::strcmp(argv[1], "--help") == 0 || std::strcmp(argv[1], "-h") == 0) {
    if (world.is_root()) print_usage();
    return argc < 2 ? static_cast<int>(custseg::ExitCode::usage) : 0;
  }
  if (std::strcmp(argv[1], "--version") == 0) {
    if (world.is_root()) std::printf("custseg %s\n", CUSTSEG_VERSION);
    return 0;
  }
  for (const auto& job : kJobs) {
    if (std::strcmp(argv[1], job.name) != 0) continue;
    try {
      // Jobs see argv from their own name on, so Boost parses only their options.
      return job.run(world, argc - 1, argv + 1);
    } catch (const custseg::Hdf5Error& e) {
      abort_unagreed(world, job.name, e);
    } catch (const custseg::MpiError& e) {
      abort_unagreed(world, job.name, e);
    } catch (const custseg::Error& e) {
      // Every rank holds the same agreed error; one line from rank 0 is enough.
      // Stopped on request (exit 75) is not a failure: say so without "error".
      const bool stopped = e.code() == custseg::ExitCode::stopped;
      if (world.is_root()) std::fprintf(stderr, "custseg %s: %s%s\n", job.name, stopped ? "" : "error: ", e.what());
      return static_cast<int>(e.code());
    } catch (const std::exception& e) {
      // Not agreed: only this rank knows. Say so and take the job down rather than hang it.
      std::fprintf(stderr, "custseg %s: internal error on rank %d: %s\n", job.name, world.rank(), e.what());
      MPI_Abort(MPI_COMM_WORLD, static_cast<int>(custseg::ExitCode::internal));
    }
  }
  if (world.is_root()) {
    std::fprintf(stderr, "custseg: error: unknown job '%s'\n\n", argv[1]);
    print_usage();
  }
  return static_cast<int>(custseg::ExitCode::usage);
}
