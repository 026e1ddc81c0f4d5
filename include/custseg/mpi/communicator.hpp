#pragma once
// A thin checked wrapper over an MPI communicator. Every MPI call goes through check(), so a
// failing call throws MpiError with its name instead of returning an ignored code.
#include <mpi.h>

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace custseg::mpi {

// Throws MpiError naming `what` and MPI's text for the status unless it is MPI_SUCCESS.
void check(int mpi_status, const char* what);

// A count or displacement for an MPI call, which takes int: throws MpiError if `n` does not fit,
// so that a caller splits the transfer instead of sending a wrapped-around count.
int checked_count(std::size_t n, const char* what);
// Exclusive prefix sums of `counts` (where each rank's part starts), each checked to fit an int,
// and the total too.
std::vector<int> displacements(const std::vector<int>& counts, const char* what);

// RAII MPI_Init_thread / MPI_Finalize. FUNNELED: only the main thread calls MPI; TBB workers
// never do (local steps contain no MPI, see DESIGN.md).
class Environment {
 public:
  Environment(int& argc, char**& argv);
  ~Environment();
  Environment(const Environment&) = delete;
  Environment& operator=(const Environment&) = delete;
};

class Communicator {
 public:
  explicit Communicator(MPI_Comm comm = MPI_COMM_WORLD);

  [[nodiscard]] int rank() const { return rank_; }
  [[nodiscard]] int size() const { return size_; }
  [[nodiscard]] MPI_Comm raw() const { return comm_; }
  [[nodiscard]] bool is_root() const { return rank_ == 0; }

  void barrier() const;
  // Collective: how many ranks of this communicator share this rank's node (its memory).
  [[nodiscard]] int ranks_on_node() const;

  // Element-wise reductions in place. Integer and min/max reductions are exact and therefore
  // order-independent; there is deliberately no floating-point sum here (see exact_sum.hpp).
  void allreduce_sum(std::span<std::int64_t> values) const;
  void allreduce_sum(std::span<std::uint64_t> values) const;
  void allreduce_max(std::span<double> values) const;
  void allreduce_min(std::span<double> values) const;
  void allreduce_max(std::span<std::int64_t> values) const;
  void allreduce_min(std::span<std::int64_t> values) const;
  std::int64_t sum(std::int64_t value) const;
  std::uint64_t sum(std::uint64_t value) const;
  double max(double value) const;
  double min(double value) const;
  std::int64_t max(std::int64_t value) const;
  std::int64_t min(std::int64_t value) const;

  void broadcast(std::span<double> values, int root) const;
  void broadcast(std::string& text, int root) const;

  // Every rank contributes `mine` (any length); all ranks receive the concatenation in rank
  // order, and the offsets where each rank's part starts (size()+1 entries).
  std::vector<double> allgatherv(std::span<const double> mine, std::vector<std::int64_t>* offsets = nullptr) const;
  std::vector<std::int64_t> allgatherv(std::span<const std::int64_t> mine) const;
  std::vector<char> allgatherv(std::span<const char> mine, std::vector<std::int64_t>* offsets) const;
  std::vector<std::uint64_t> allgather(std::uint64_t mine) const;
  // Every rank sends the same number of values; `root` receives them all in rank order
  // (size() * mine.size() values), the other ranks an empty vector.
  std::vector<double> gather(std::span<const double> mine, int root) const;

 private:
  MPI_Comm comm_;
  int rank_ = 0;
  int size_ = 1;
};

}  // namespace custseg::mpi
