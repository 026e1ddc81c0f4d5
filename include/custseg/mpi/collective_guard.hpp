#pragma once
// Collective error agreement (DESIGN.md, "Errors never hang a job"; after dune-common's MPIGuard).
//
// agree(comm, work) runs `work` on every rank, then all ranks learn whether any rank failed.
// If one did, every rank throws the same custseg::Error carrying the message and exit code of
// the lowest failing rank. Wrap every phase that can fail before a collective: a rank that
// throws alone would leave the others waiting in the next collective for ever.
#include <functional>

#include "custseg/mpi/communicator.hpp"

namespace custseg::mpi {

void agree(const Communicator& comm, const std::function<void()>& work);

}  // namespace custseg::mpi
