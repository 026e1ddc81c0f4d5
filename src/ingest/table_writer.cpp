#include "custseg/ingest/table_writer.hpp"

#include <filesystem>
#include <optional>
#include <span>

#include "custseg/io/customer_table.hpp"
#include "custseg/io/hdf5.hpp"
#include "custseg/io/output_space.hpp"
#include "custseg/mpi/collective_guard.hpp"
#include "custseg/util/error.hpp"

namespace custseg::ingest {

namespace {
io::ColumnType file_type(const ColumnValues& v) {
  switch (v.index()) {
    case 0: return io::ColumnType::uint64;
    case 1: return io::ColumnType::int32;
    case 2: return io::ColumnType::int64;
    default: return io::ColumnType::float64;
  }
}

std::size_t local_rows(const ColumnValues& v) {
  return std::visit([](const auto& x) { return x.size(); }, v);
}

// Rank 0 adds the text columns to the closed file (serial access).
void append_text_columns(const mpi::Communicator& comm, const std::string& partial, const TableLayout& layout,
                         const std::vector<TextColumn>& text_columns) {
  mpi::agree(comm, [&] {
    for (const auto& t : text_columns)
      if (t.all_rows.size() != layout.total_rows)
        throw std::logic_error("text column " + t.name + " holds " + std::to_string(t.all_rows.size()) + " rows of " +
                               std::to_string(layout.total_rows));
    if (!comm.is_root() || text_columns.empty()) return;
    io::File file = io::File::open_serial(partial, true);
    try {
      for (const auto& t : text_columns) {
        const std::string p = io::column_path(t.name);
        file.create_vlen_string_dataset(p, t.all_rows.size());
        file.write_vlen_string_rows(p, 0, t.all_rows);
        for (const auto& [name, value] : t.attributes) file.write_attribute(p, name, value);
      }
      file.close();
    } catch (...) {
      file.discard();  // a failed close would leave a handle that crashes HDF5 at MPI_Finalize
      throw;
    }
  });
}
// Bytes of the table: 8 per value of a numeric column (4 for int32), a text value's bytes plus
// its variable-length overhead; the attributes are small.
std::uint64_t table_bytes(const mpi::Communicator& comm, const TableLayout& layout,
                          const std::vector<OutputColumn>& columns, const std::vector<TextColumn>& text_columns) {
  std::uint64_t bytes = 0;
  for (const auto& c : columns) bytes += layout.total_rows * (c.values.index() == 1 ? 4 : 8);
  std::uint64_t text = 0;
  if (comm.is_root())
    for (const auto& t : text_columns)
      for (const auto& v : t.all_rows) text += v.size() + 32;
  return bytes + text + 64 * 1024;
}
}  // namespace

void write_customer_table(const mpi::Communicator& comm, const std::string& path, const TableLayout& layout,
                          const std::vector<OutputColumn>& columns, const std::vector<TextColumn>& text_columns) {
  std::uint64_t mine = 0;
  for (const auto& b : layout.blocks) mine += b.count;
  mpi::agree(comm, [&] {
    for (const auto& c : columns)
      if (local_rows(c.values) != mine)
        throw std::logic_error("column " + c.name + " holds " + std::to_string(local_rows(c.values)) +
                               " rows on this rank, its blocks " + std::to_string(mine));
  });
  const std::uint64_t bytes = table_bytes(comm, layout, columns, text_columns);
  mpi::agree(comm, [&] {
    if (comm.is_root()) io::require_free_space(path, bytes);
  });
  const std::string partial = path + ".partial";
  std::optional<io::File> file;
  try {
    mpi::agree(comm, [&] {
      file.emplace(io::File::create(partial, comm));
    });
    // The whole table's space, before the first write: a full disk cannot stop it half-way.
    mpi::agree(comm, [&] {
      if (comm.is_root()) io::reserve_space(partial, bytes);
    });
    mpi::agree(comm, [&] {
      file->create_group(io::kCustomersGroup);
      for (const auto& [name, value] : layout.group_attributes) file->write_attribute(io::kCustomersGroup, name, value);
      for (const auto& c : columns) {
        const std::string p = io::column_path(c.name);
        file->create_dataset(p, file_type(c.values), {layout.total_rows});
        if (!c.categories.empty()) file->write_attribute(p, "categories", c.categories);
        for (const auto& [name, value] : c.attributes) file->write_attribute(p, name, value);
      }
    });
    for (const auto& c : columns) {
      mpi::agree(comm, [&] {
        std::visit(
            [&](const auto& values) {
              using T = typename std::decay_t<decltype(values)>::value_type;
              std::size_t offset = 0;
              // Every rank makes max_blocks collective calls; ranks with fewer blocks pass empty ones.
              for (std::size_t k = 0; k < layout.max_blocks; ++k) {
                const io::RowBlock block = k < layout.blocks.size() ? layout.blocks[k] : io::RowBlock{0, 0};
                file->write_rows<T>(io::column_path(c.name), block,
                                    std::span<const T>(values.data() + offset, block.count));
                offset += block.count;
              }
            },
            c.values);
      });
    }
    mpi::agree(comm, [&] { file->close(); });
    append_text_columns(comm, partial, layout, text_columns);
  } catch (...) {
    // Errors inside are agreed (each collective write and the close agree themselves), so every
    // rank is here: free the space, close together (collective), leave no half-written file.
    if (file) file->discard();
    file.reset();
    std::error_code ignored;
    if (comm.is_root()) std::filesystem::remove(partial, ignored);
    throw;
  }
  // Only a complete file gets the final name.
  mpi::agree(comm, [&] {
    if (comm.is_root()) std::filesystem::rename(partial, path);
  });
}

}  // namespace custseg::ingest
