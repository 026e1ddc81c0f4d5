#pragma once
// Variable-length byte exchanges for data-dependent shuffles (ingest: hash-partitioning customer
// summaries, then moving finished rows into sorted row blocks). Bytes, not typed values: the
// callers serialise their own records, so one collective serves every record type.
#include <cstdint>
#include <string>
#include <vector>

#include "custseg/mpi/communicator.hpp"

namespace custseg::mpi {

// What a rank received: the concatenation of every sender's bytes in rank order, and where each
// sender's part starts (size()+1 offsets, so part r is [offsets[r], offsets[r+1])).
struct ReceivedBytes {
  std::vector<char> bytes;
  std::vector<std::uint64_t> offsets;
};

// MPI_Alltoallv of `to_rank[r]` to rank r (to_rank.size() must equal comm.size()). Collective:
// every rank calls it, with empty buffers if it has nothing to send. Any size: the bytes move in
// rounds of at most max_round_bytes per pair (and at most 64 MiB, within MPI's int counts), so
// a shuffle of several GiB per rank works and its temporary buffers stay small.
ReceivedBytes alltoallv_bytes(const Communicator& comm, const std::vector<std::vector<char>>& to_rank,
                              std::uint64_t max_round_bytes = UINT64_MAX);

// MPI_Allgatherv of each rank's bytes: every rank receives all parts in rank order.
ReceivedBytes allgatherv_bytes(const Communicator& comm, const std::vector<char>& mine);

// Strings packed as length-prefixed bytes, for exchanging small label sets.
std::vector<char> pack_strings(const std::vector<std::string>& values);
std::vector<std::string> unpack_strings(const char* data, std::size_t size);

}  // namespace custseg::mpi
