#include "custseg/data/input_table.hpp"

#include <optional>

#include "custseg/mpi/collective_guard.hpp"
#include "custseg/util/error.hpp"

namespace custseg::data {

InputTable open_input_table(const mpi::Communicator& comm, const std::string& path) {
  // open_read checks the path (missing, a directory, not HDF5) on every rank and agrees first.
  std::optional<io::File> file;
  mpi::agree(comm, [&] { file.emplace(io::File::open_read(path, comm)); });
  io::TableInfo table;
  mpi::agree(comm, [&] { table = io::inspect_table(*file); });
  return {std::move(*file), std::move(table)};
}

}  // namespace custseg::data
