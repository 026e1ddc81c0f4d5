#include "custseg/data/input_table.hpp"

#include <filesystem>
#include <optional>

#include "custseg/mpi/collective_guard.hpp"
#include "custseg/util/error.hpp"

namespace custseg::data {

InputTable open_input_table(const mpi::Communicator& comm, const std::string& path) {
  // Checked before opening so that a wrong path gets a plain message rather than HDF5's.
  mpi::agree(comm, [&] {
    if (!std::filesystem::exists(path)) throw_input("input file not found: " + path);
    if (H5Fis_hdf5(path.c_str()) <= 0) throw_input("not an HDF5 file (or corrupt): " + path);
  });
  std::optional<io::File> file;
  mpi::agree(comm, [&] { file.emplace(io::File::open_read(path, comm)); });
  io::TableInfo table;
  mpi::agree(comm, [&] { table = io::inspect_table(*file); });
  return {std::move(*file), std::move(table)};
}

}  // namespace custseg::data
