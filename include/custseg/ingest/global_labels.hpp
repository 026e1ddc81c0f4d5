#pragma once
// The union of every rank's labels (id prefixes, categories, countries), the same sorted list on
// every rank: codes taken as positions in it do not depend on the rank count.
#include <set>
#include <string>
#include <vector>

#include "custseg/mpi/communicator.hpp"

namespace custseg::ingest {

// Collective (one allgatherv): every rank calls it, even with no labels.
std::vector<std::string> global_labels(const mpi::Communicator& comm, const std::set<std::string>& mine);

}  // namespace custseg::ingest
