#include "custseg/mpi/alltoallv.hpp"

#include <cstring>
#include <span>
#include <stdexcept>

namespace custseg::mpi {

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
  std::vector<std::int64_t> offsets;
  ReceivedBytes out;
  out.bytes = comm.allgatherv(std::span<const char>(mine), &offsets);
  out.offsets.assign(offsets.begin(), offsets.end());
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
