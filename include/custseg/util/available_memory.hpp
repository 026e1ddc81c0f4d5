#pragma once
// How much memory this process may still use: the smaller of the kernel's MemAvailable and the
// room left under the cgroup's limit (v2 memory.max - memory.current, or v1's limit_in_bytes -
// usage_in_bytes: how Slurm bounds a job's memory). Linux only; no MPI.
#include <cstdint>
#include <optional>

namespace custseg {

// nullopt when neither /proc/meminfo nor a cgroup limit can be read.
std::optional<std::uint64_t> available_memory_bytes();

}  // namespace custseg
