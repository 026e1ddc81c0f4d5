#include "custseg/mpi/alltoallv.hpp"

#include <climits>
#include <cstring>
#include <numeric>
#include <stdexcept>

namespace custseg::mpi {

namespace {
int checked_count(std::size_t bytes, const char* what) {
  if (bytes > static_cast<std::size_t>(INT_MAX))
    throw std::runtime_error(std::string(what) + ": a single transfer of " + std::to_string(bytes) +
                             " bytes exceeds MPI's int count limit");
  return static_cast<int>(bytes);
}

std::vector<int> displacements(const std::vector<int>& counts, const char* what) {
  std::vector<int> displs(counts.size(), 0);
  std::size_t total = 0;
  for (std::size_t r = 0; r < counts.size(); ++r) {
    displs[r] = checked_count(total, what);
    total += static_cast<std::size_t>(counts[r]);
  }
  checked_count(total, what);
  return displs;
}
}  // namespace

ReceivedBytes alltoallv_bytes(const Communicator& comm, const std::vector<std::vector<char>>& to_rank) {
  const auto size = static_cast<std::size_t>(comm.size());
  if (to_rank.size() != size) throw std::logic_error("alltoallv_bytes: one buffer per rank expected");
  std::vector<int> send_counts(size), recv_counts(size);
  std::vector<char> send;
  for (std::size_t r = 0; r < size; ++r) {
    send_counts[r] = checked_count(to_rank[r].size(), "MPI_Alltoallv");
    send.insert(send.end(), to_rank[r].begin(), to_rank[r].end());
  }
  const std::vector<int> send_displs = displacements(send_counts, "MPI_Alltoallv");
  // All ranks must reach both collectives, including ranks with nothing to send.
  check(MPI_Alltoall(send_counts.data(), 1, MPI_INT, recv_counts.data(), 1, MPI_INT, comm.raw()), "MPI_Alltoall");
  const std::vector<int> recv_displs = displacements(recv_counts, "MPI_Alltoallv");
  ReceivedBytes out;
  out.bytes.resize(static_cast<std::size_t>(recv_displs.back()) + static_cast<std::size_t>(recv_counts.back()));
  char dummy = 0;
  check(MPI_Alltoallv(send.empty() ? &dummy : send.data(), send_counts.data(), send_displs.data(), MPI_BYTE,
                      out.bytes.empty() ? &dummy : out.bytes.data(), recv_counts.data(), recv_displs.data(), MPI_BYTE,
                      comm.raw()),
        "MPI_Alltoallv");
  out.offsets.assign(recv_displs.begin(), recv_displs.end());
  out.offsets.push_back(out.bytes.size());
  return out;
}

ReceivedBytes allgatherv_bytes(const Communicator& comm, const std::vector<char>& mine) {
  const auto size = static_cast<std::size_t>(comm.size());
  int my_count = checked_count(mine.size(), "MPI_Allgatherv");
  std::vector<int> counts(size);
  check(MPI_Allgather(&my_count, 1, MPI_INT, counts.data(), 1, MPI_INT, comm.raw()), "MPI_Allgather");
  const std::vector<int> displs = displacements(counts, "MPI_Allgatherv");
  ReceivedBytes out;
  out.bytes.resize(static_cast<std::size_t>(displs.back()) + static_cast<std::size_t>(counts.back()));
  char dummy = 0;
  check(MPI_Allgatherv(mine.empty() ? &dummy : mine.data(), my_count, MPI_BYTE,
                       out.bytes.empty() ? &dummy : out.bytes.data(), counts.data(), displs.data(), MPI_BYTE,
                       comm.raw()),
        "MPI_Allgatherv");
  out.offsets.assign(displs.begin(), displs.end());
  out.offsets.push_back(out.bytes.size());
  return out;
}

std::vector<char> pack_strings(const std::vector<std::string>& values) {
  std::vector<char> out;
  for (const auto& v : values) {
    const std::uint64_t n = v.size();
    const auto* p = reinterpret_cast<const char*>(&n);
    out.insert(out.end(), p, p + sizeof n);
    out.insert(out.end(), v.begin(), v.end());
  }
  return out;
}

std::vector<std::string> unpack_strings(const char* data, std::size_t size) {
  std::vector<std::string> out;
  std::size_t pos = 0;
  while (pos < size) {
    std::uint64_t n = 0;
    if (pos + sizeof n > size) throw std::runtime_error("unpack_strings: truncated buffer");
    std::memcpy(&n, data + pos, sizeof n);
    pos += sizeof n;
    if (n > size - pos) throw std::runtime_error("unpack_strings: truncated buffer");
    out.emplace_back(data + pos, n);
    pos += n;
  }
  return out;
}

}  // namespace custseg::mpi
