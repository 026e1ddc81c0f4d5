#include "custseg/mpi/communicator.hpp"

#include <climits>
#include <numeric>

#include "custseg/util/error.hpp"

namespace custseg::mpi {

void check(int mpi_status, const char* what) {
  if (mpi_status == MPI_SUCCESS) return;
  char text[MPI_MAX_ERROR_STRING];
  int length = 0;
  MPI_Error_string(mpi_status, text, &length);
  throw MpiError(std::string(what) + " failed: " + std::string(text, length));
}

int checked_count(std::size_t n, const char* what) {
  if (n > static_cast<std::size_t>(INT_MAX))
    throw MpiError(std::string(what) + ": a single transfer of " + std::to_string(n) +
                   " values exceeds MPI's int count limit");
  return static_cast<int>(n);
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

Environment::Environment(int& argc, char**& argv) {
  int provided = 0;
  check(MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided), "MPI_Init_thread");
  // Errors come back as codes so check() can turn them into exceptions and the collective
  // guard can agree on them, instead of MPI aborting one rank and hanging the others.
  check(MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN), "MPI_Comm_set_errhandler");
}

Environment::~Environment() {
  int finalized = 0;
  MPI_Finalized(&finalized);
  if (!finalized) MPI_Finalize();
}

Communicator::Communicator(MPI_Comm comm) : comm_(comm) {
  check(MPI_Comm_rank(comm_, &rank_), "MPI_Comm_rank");
  check(MPI_Comm_size(comm_, &size_), "MPI_Comm_size");
}

void Communicator::barrier() const { check(MPI_Barrier(comm_), "MPI_Barrier"); }

int Communicator::ranks_on_node() const {
  MPI_Comm node = MPI_COMM_NULL;
  check(MPI_Comm_split_type(comm_, MPI_COMM_TYPE_SHARED, rank_, MPI_INFO_NULL, &node), "MPI_Comm_split_type");
  int size = 0;
  const int status = MPI_Comm_size(node, &size);
  MPI_Comm_free(&node);
  check(status, "MPI_Comm_size");
  return size;
}

namespace {
template <class T>
void allreduce(MPI_Comm comm, std::span<T> values, MPI_Datatype type, MPI_Op op) {
  check(MPI_Allreduce(MPI_IN_PLACE, values.data(), static_cast<int>(values.size()), type, op, comm),
        "MPI_Allreduce");
}
}  // namespace

void Communicator::allreduce_sum(std::span<std::int64_t> v) const { allreduce(comm_, v, MPI_INT64_T, MPI_SUM); }
void Communicator::allreduce_sum(std::span<std::uint64_t> v) const { allreduce(comm_, v, MPI_UINT64_T, MPI_SUM); }
void Communicator::allreduce_max(std::span<double> v) const { allreduce(comm_, v, MPI_DOUBLE, MPI_MAX); }
void Communicator::allreduce_min(std::span<double> v) const { allreduce(comm_, v, MPI_DOUBLE, MPI_MIN); }
void Communicator::allreduce_max(std::span<std::int64_t> v) const { allreduce(comm_, v, MPI_INT64_T, MPI_MAX); }
void Communicator::allreduce_min(std::span<std::int64_t> v) const { allreduce(comm_, v, MPI_INT64_T, MPI_MIN); }

std::int64_t Communicator::sum(std::int64_t value) const {
  allreduce_sum(std::span(&value, 1));
  return value;
}
std::uint64_t Communicator::sum(std::uint64_t value) const {
  allreduce_sum(std::span(&value, 1));
  return value;
}
double Communicator::max(double value) const {
  allreduce_max(std::span(&value, 1));
  return value;
}
double Communicator::min(double value) const {
  allreduce_min(std::span(&value, 1));
  return value;
}
std::int64_t Communicator::max(std::int64_t value) const {
  allreduce_max(std::span(&value, 1));
  return value;
}
std::int64_t Communicator::min(std::int64_t value) const {
  allreduce_min(std::span(&value, 1));
  return value;
}

void Communicator::broadcast(std::span<double> values, int root) const {
  check(MPI_Bcast(values.data(), static_cast<int>(values.size()), MPI_DOUBLE, root, comm_), "MPI_Bcast");
}

void Communicator::broadcast(std::string& text, int root) const {
  std::int64_t length = static_cast<std::int64_t>(text.size());
  check(MPI_Bcast(&length, 1, MPI_INT64_T, root, comm_), "MPI_Bcast");
  text.resize(static_cast<std::size_t>(length));
  check(MPI_Bcast(text.data(), static_cast<int>(length), MPI_CHAR, root, comm_), "MPI_Bcast");
}

namespace {
// The one MPI_Allgatherv: every variable-length gather (typed values, or bytes for alltoallv.hpp)
// comes through here and its int-count check. All ranks must reach it, also with nothing to send.
template <class T>
std::vector<T> gatherv_impl(MPI_Comm comm, int size, std::span<const T> mine, MPI_Datatype type,
                            std::vector<std::int64_t>* offsets_out) {
  int my_count = checked_count(mine.size(), "MPI_Allgatherv");
  std::vector<int> counts(static_cast<std::size_t>(size));
  check(MPI_Allgather(&my_count, 1, MPI_INT, counts.data(), 1, MPI_INT, comm), "MPI_Allgather");
  const std::vector<int> displs = displacements(counts, "MPI_Allgatherv");
  std::vector<T> all(static_cast<std::size_t>(displs.back()) + static_cast<std::size_t>(counts.back()));
  // MPI wants valid buffers even for zero counts.
  T nothing{};
  check(MPI_Allgatherv(mine.empty() ? &nothing : mine.data(), my_count, type, all.empty() ? &nothing : all.data(),
                       counts.data(), displs.data(), type, comm),
        "MPI_Allgatherv");
  if (offsets_out) {
    offsets_out->assign(displs.begin(), displs.end());
    offsets_out->push_back(static_cast<std::int64_t>(all.size()));
  }
  return all;
}
}  // namespace

std::vector<double> Communicator::allgatherv(std::span<const double> mine, std::vector<std::int64_t>* offsets) const {
  return gatherv_impl(comm_, size_, mine, MPI_DOUBLE, offsets);
}
std::vector<std::int64_t> Communicator::allgatherv(std::span<const std::int64_t> mine) const {
  return gatherv_impl<std::int64_t>(comm_, size_, mine, MPI_INT64_T, nullptr);
}
std::vector<char> Communicator::allgatherv(std::span<const char> mine, std::vector<std::int64_t>* offsets) const {
  return gatherv_impl(comm_, size_, mine, MPI_BYTE, offsets);
}

std::vector<double> Communicator::gather(std::span<const double> mine, int root) const {
  const int count = checked_count(mine.size(), "MPI_Gather");
  std::vector<double> all(rank_ == root ? mine.size() * static_cast<std::size_t>(size_) : 0);
  checked_count(all.size(), "MPI_Gather");
  check(MPI_Gather(mine.data(), count, MPI_DOUBLE, all.data(), count, MPI_DOUBLE, root, comm_), "MPI_Gather");
  return all;
}

std::vector<std::uint64_t> Communicator::allgather(std::uint64_t mine) const {
  std::vector<std::uint64_t> all(static_cast<std::size_t>(size_));
  check(MPI_Allgather(&mine, 1, MPI_UINT64_T, all.data(), 1, MPI_UINT64_T, comm_), "MPI_Allgather");
  return all;
}

}  // namespace custseg::mpi
