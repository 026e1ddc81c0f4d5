#pragma once
// A text file written in parallel: its bytes are what rank 0 produces, then rank 1, and so on,
// and no rank ever holds more than its own chunk (assignments.csv: one line per customer in
// input order, docs/outputs.md). Two passes over each rank's producer: one counts its bytes, one
// allgather turns the counts into offsets, then every rank writes its own byte range with
// pwrite(2) into the file rank 0 created at its full size. POSIX rather than MPI-IO: independent
// writes of disjoint ranges need no collective inside the write, so a failing rank (a full disk)
// cannot leave the others waiting; the failure is agreed afterwards like any other.
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "custseg/mpi/communicator.hpp"

namespace custseg::io {

// Receives one chunk of a rank's text.
using TextSink = std::function<void(std::string_view)>;
// Produces a rank's text as chunks; called twice and must produce the same bytes both times.
using TextProducer = std::function<void(const TextSink&)>;

// Collective. Writes `path` (normally a NAME.partial that the caller renames when whole). Root
// first refuses when the file system lacks the space (io::require_free_space: an output error
// "no space left on DEVICE writing FILE"); every write error is an agreed output error naming the
// file. Returns the file's size in bytes.
std::uint64_t write_rank_ordered_text(const mpi::Communicator& comm, const std::string& path,
                                      const TextProducer& produce);

}  // namespace custseg::io
