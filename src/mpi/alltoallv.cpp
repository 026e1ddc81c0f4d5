#include "custseg/mpi/alltoallv.hpp"

#include <algorithm>
#include <climits>
#include <cstring>
#include <span>
#include <stdexcept>

namespace custseg::mpi {

namespace {

// Bytes per sender and destination in one MPI_Alltoallv round: the round's receive buffer
// (ranks x this) must stay within MPI's int displacements, and a round's buffers stay small
// beside the data they move.
std::uint64_t round_bytes(std::size_t ranks) {
  constexpr std::uint64_t kRoundCap = 64ULL << 20;
  return std::min<std::uint64_t>(kRoundCap, static_cast<std::uint64_t>(INT_MAX) / ranks);
}

}  // namespace

ReceivedBytes alltoallv_bytes(const Communicator& comm, const std::vector<std::vector<char>>& to_rank,
                              std::uint64_t max_round_bytes) {
  const auto size = static_cast<std::size_t>(comm.size());
  if (to_rank.size() != size) throw std::logic_error("alltoallv_bytes: one buffer per rank expected");
  // The totals first (64-bit), so the result is allocated once at its final size; then rounds
  // of at most `cap` bytes per pair until every pair is done (the same count of rounds on
  // every rank: the largest pair decides).
  std::vector<std::uint64_t> send_total(size), recv_total(size);
  for (std::size_t r = 0; r < size; ++r) send_total[r] = to_rank[r].size();
  check(MPI_Alltoall(send_total.data(), 1, MPI_UINT64_T, recv_total.data(), 1, MPI_UINT64_T, comm.raw()), "MPI_Alltoall");
  ReceivedBytes out;
  out.offsets.assign(size + 1, 0);
  for (std::size_t r = 0; r < size; ++r) out.offsets[r + 1] = out.offsets[r] + recv_total[r];
  out.bytes.resize(out.offsets[size]);
  const std::uint64_t cap = std::min(max_round_bytes, round_bytes(size));
  const std::uint64_t largest = *std::max_element(send_total.begin(), send_total.end());
  const auto rounds = static_cast<std::int64_t>((largest + cap - 1) / cap);
  const std::int64_t all_rounds = comm.max(rounds);
  std::vector<char> send, recv;
  std::vector<int> send_counts(size), recv_counts(size);
  for (std::int64_t round = 0; round < all_rounds; ++round) {
    const std::uint64_t from = static_cast<std::uint64_t>(round) * cap;
    send.clear();
    for (std::size_t r = 0; r < size; ++r) {
      const std::uint64_t n = send_total[r] > from ? std::min(cap, send_total[r] - from) : 0;
      send_counts[r] = checked_count(n, "MPI_Alltoallv");
      if (n > 0)  // (a pair already done must not form an iterator past its end)
        send.insert(send.end(), to_rank[r].begin() + static_cast<std::ptrdiff_t>(from),
                    to_rank[r].begin() + static_cast<std::ptrdiff_t>(from + n));
      const std::uint64_t m = recv_total[r] > from ? std::min(cap, recv_total[r] - from) : 0;
      recv_counts[r] = checked_count(m, "MPI_Alltoallv");
    }
    const std::vector<int> send_displs = displacements(send_counts, "MPI_Alltoallv");
    const std::vector<int> recv_displs = displacements(recv_counts, "MPI_Alltoallv");
    recv.resize(static_cast<std::size_t>(recv_displs.back()) + static_cast<std::size_t>(recv_counts.back()));
    char dummy = 0;  // MPI wants valid buffers even for zero counts
    check(MPI_Alltoallv(send.empty() ? &dummy : send.data(), send_counts.data(), send_displs.data(), MPI_BYTE,
                        recv.empty() ? &dummy : recv.data(), recv_counts.data(), recv_displs.data(), MPI_BYTE,
                        comm.raw()),
          "MPI_Alltoallv");
    for (std::size_t r = 0; r < size; ++r)
      if (recv_counts[r] > 0)  // an empty vector's data() may be null, even for 0 bytes (UBSan)
        std::memcpy(out.bytes.data() + out.offsets[r] + from, recv.data() + recv_displs[r],
                    static_cast<std::size_t>(recv_counts[r]));
  }
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
