#pragma once
// One entry point per subcommand; main.cpp dispatches `custseg <job> [options]`.
// Each returns the process exit code; errors are thrown as custseg::Error, already agreed
// across ranks (mpi::agree), and turned into messages and exit codes by main.
#include "custseg/mpi/communicator.hpp"

namespace custseg::jobs {

int generate(const mpi::Communicator& comm, int argc, char** argv);
int segment(const mpi::Communicator& comm, int argc, char** argv);
int sweep(const mpi::Communicator& comm, int argc, char** argv);
int bench(const mpi::Communicator& comm, int argc, char** argv);
int ingest(const mpi::Communicator& comm, int argc, char** argv);
int score(const mpi::Communicator& comm, int argc, char** argv);
int compare(const mpi::Communicator& comm, int argc, char** argv);
int clv(const mpi::Communicator& comm, int argc, char** argv);

}  // namespace custseg::jobs
