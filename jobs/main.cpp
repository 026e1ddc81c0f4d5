// custseg: segment very large customer bases on clusters. `custseg <job> [options]`.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <malloc.h>
#include <string>

#include "custseg/io/hdf5_validate.hpp"
#include "custseg/mpi/communicator.hpp"
#include "custseg/util/error.hpp"
#include "custseg/util/stop_signal.hpp"
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
    {"clv", custseg::jobs::clv, "BG/NBD and gamma-gamma fits over all ranks; per-customer P(alive), purchases, spend"},
    {"ingest", custseg::jobs::ingest, "transaction log or aggregated table (CSV) -> customer table + data-quality report"},
};

void print_usage() {
  std::printf("usage: custseg <job> [options]   (custseg <job> --help for a job's options)\n\njobs:\n");
  for (const auto& job : kJobs) std::printf("  %-10s %s\n", job.name, job.summary);
  std::printf("\nexit codes: 0 ok, 1 internal error, 2 usage/configuration error, 3 input error, 4 output error,\n"
              "            75 stopped by SIGTERM/SIGINT/SIGUSR1: no partial output left (rerun the same command);\n"
              "               segment keeps its checkpoint if it has one (rerun with --resume).\n"
              "            mpirun returns 75 after SIGUSR1 (or a signal to the ranks), but 1 after SIGTERM/SIGINT\n"
              "            to mpirun itself (docs/checkpoint-resume.md, \"Stopping a job\")\n");
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
  // Per-row arrays (labels, distances, a column being read) come and go between phases. glibc
  // raises its mmap threshold whenever such a block is freed (up to 32 MiB), after which blocks
  // of that size come from the heap, whose pages stay with the process: the next phase's peak
  // then stacks on the last one's. A fixed threshold (which also turns the raising off) keeps
  // every block of 4 MiB or more mmapped and returned when freed (docs/performance.md).
  mallopt(M_MMAP_THRESHOLD, 4 << 20);
  // Hidden mode, before MPI_Init: the child process in which rank 0 has libhdf5 read an input
  // file's structure (src/io/hdf5_validate_child.cpp), so corrupt metadata crashes it, not the job.
  if (argc >= 2 && std::strcmp(argv[1], "--validate-hdf5") == 0) return custseg::io::run_validation_mode(argc, argv);
  custseg::io::enable_child_validation();
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
    // From here SIGTERM/SIGINT/SIGUSR1 end the job within milliseconds with exit code 75, one
    // line from rank 0 and no partial output (util/stop_signal.hpp): mpirun SIGKILLs the ranks
    // as soon as one of them has exited after its SIGTERM.
    custseg::install_stop_handlers(job.name, world.is_root());
    try {
      // Jobs see argv from their own name on, so Boost parses only their options.
      const int code = job.run(world, argc - 1, argv + 1);
      custseg::stops_ignored_from_now();  // done: a signal during MPI_Finalize changes nothing
      return code;
    } catch (const custseg::Hdf5Error& e) {
      abort_unagreed(world, job.name, e);
    } catch (const custseg::MpiError& e) {
      abort_unagreed(world, job.name, e);
    } catch (const custseg::Error& e) {
      // Every rank holds the same agreed error; one line from rank 0 is enough.
      // Stopped on request (exit 75) is not a failure: say so without "error".
      // The job is over on every rank: a signal now (mpirun aborting the job because a rank
      // exited non-zero) must not stop it a second time with a second line.
      custseg::stops_ignored_from_now();
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
