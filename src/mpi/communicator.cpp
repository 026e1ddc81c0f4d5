#include "custseg/mpi/communicator.hpp"

#include <numeric>
#include <stdexcept>

namespace custseg::mpi {

void check(int mpi_status, const char* what) {
  if (mpi_status == MPI_SUCCESS) return;
  char text[MPI_MAX_ERROR_STRING];
  int length = 0;
  MPI_Error_string(mpi_status, text, &length);
  throw std::runtime_error(std::string(what) + " failed: " + std::string(text, length));
}

Environment::Environment(int& argc, char**& argv) {
  int provided = 0;
  check(MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided), "MPI_Init_thread");
  // Errors come back as codes so check() can turn them into exceptions and the collective
  // guard can agree on them, instead of MPI aborting one rank and hanging the others.
  MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
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
template <class T>
std::vector<T> gatherv_impl(MPI_Comm comm, int size, std::span<const T> mine, MPI_Datatype type,
                            std::vector<std::int64_t>* offsets_out) {
  int my_count = static_cast<int>(mine.size());
  std::vector<int> counts(size), displs(size);
  check(MPI_Allgather(&my_count, 1, MPI_INT, counts.data(), 1, MPI_INT, comm), "MPI_Allgather");
  std::exclusive_scan(counts.begin(), counts.end(), displs.begin(), 0);
  std::vector<T> all(static_cast<std::size_t>(displs.back() + counts.back()));
  check(MPI_Allgatherv(mine.data(), my_count, type, all.data(), counts.data(), displs.data(), type, comm),
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
std::vector<std::uint64_t> Communicator::allgather(std::uint64_t mine) const {
  std::vector<std::uint64_t> all(static_cast<std::size_t>(size_));
  check(MPI_Allgather(&mine, 1, MPI_UINT64_T, all.data(), 1, MPI_UINT64_T, comm_), "MPI_Allgather");
  return all;
}

}  // namespace custseg::mpi
