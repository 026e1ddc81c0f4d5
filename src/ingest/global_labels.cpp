#include "custseg/ingest/global_labels.hpp"

#include "custseg/mpi/alltoallv.hpp"

namespace custseg::ingest {

std::vector<std::string> global_labels(const mpi::Communicator& comm, const std::set<std::string>& mine) {
  const mpi::ReceivedBytes got = mpi::allgatherv_bytes(comm, mpi::pack_strings({mine.begin(), mine.end()}));
  const auto all = mpi::unpack_strings(got.bytes.data(), got.bytes.size());
  const std::set<std::string> merged(all.begin(), all.end());
  return {merged.begin(), merged.end()};  // sorted: codes do not depend on the rank count
}

}  // namespace custseg::ingest
