#pragma once
// An HDF5 file holding custseg tables and results, over checked RAII wrappers of the C API (after
// HighFive's h5*_wrapper.hpp): every call's result is checked, a failure throws Hdf5Error with
// HDF5's own error stack, and every handle is owned. The C API stays out of this header:
// element types are ColumnType, handles are opaque io::Hid; code that needs the raw handle (io's
// own sources, tests that inspect a file) includes custseg/io/detail/hdf5_handle.hpp.
#include <cstdint>
#include <span>
#include <string>
#include <type_traits>
#include <vector>

#include "custseg/io/partition.hpp"
#include "custseg/mpi/communicator.hpp"
#include "custseg/util/error.hpp"

namespace custseg::io {

// Element types of custseg's datasets: stored little-endian and standard in files, native in memory.
enum class ColumnType { uint8, int32, int64, uint64, float32, float64 };

// What kind of elements a stored dataset holds. A table column is read as numbers when it is
// integer, floating or an enumeration over integers (numpy bool as h5py writes it: FALSE = 0,
// TRUE = 1); string columns (fixed or variable length) are read as text; compound datasets are
// pandas "table" layouts, read member by member.
enum class TypeClass { integer, floating, string, enumeration, compound, other };

// Where one column of a table lies: a whole 1-D dataset (custseg, h5py), one column of a 2-D
// dataset (pandas "fixed" blocks, [rows, items]) or one member, and one element of an array
// member, of a 1-D compound dataset (pandas "table": values_block_N holds several columns).
struct ColumnLocation {
  std::string dataset;      // HDF5 path
  std::string member;       // compound member name; empty when the dataset itself holds numbers
  std::int64_t index = -1;  // column of a 2-D dataset, or element of an array member; -1 = none
};

// One member of a compound dataset: its name, what it holds, and how many elements (array members).
struct CompoundMember {
  std::string name;
  TypeClass type = TypeClass::other;
  bool is_unsigned = false;  // an unsigned integer
  bool array = false;        // an array member (of `elements` values, perhaps just one)
  std::uint64_t elements = 1;
};

template <class T>
constexpr ColumnType column_type_of() {
  if constexpr (std::is_same_v<T, double>) return ColumnType::float64;
  else if constexpr (std::is_same_v<T, float>) return ColumnType::float32;
  else if constexpr (std::is_same_v<T, std::int32_t>) return ColumnType::int32;
  else if constexpr (std::is_same_v<T, std::int64_t>) return ColumnType::int64;
  else if constexpr (std::is_same_v<T, std::uint64_t>) return ColumnType::uint64;
  else if constexpr (std::is_same_v<T, std::uint8_t>) return ColumnType::uint8;
  else static_assert(!sizeof(T), "no column type for T");
}

namespace detail {
struct HidAccess;  // io/detail/hdf5_handle.hpp: the only way in and out of a raw identifier
}

// Owns one HDF5 identifier and closes it with the matching H5?close. Opaque: an empty Hid or
// one made by detail::HidAccess::adopt, which checks the identifier first.
class Hid {
 public:
  Hid() = default;
  ~Hid();
  Hid(Hid&& other) noexcept;
  Hid& operator=(Hid&& other) noexcept;
  Hid(const Hid&) = delete;
  Hid& operator=(const Hid&) = delete;
  [[nodiscard]] bool valid() const { return id_ >= 0; }

 private:
  friend struct detail::HidAccess;
  using Closer = int (*)(std::int64_t);  // herr_t (*)(hid_t), checked in the detail header
  Hid(std::int64_t id, Closer closer) : id_(id), closer_(closer) {}
  void reset() noexcept;
  std::int64_t id_ = -1;
  Closer closer_ = nullptr;
};

enum class Access { parallel, serial };

// How File::create lays out a new file's raw data (custseg generate --alignment, --chunk-size).
struct Layout {
  std::uint64_t alignment = 0;   // bytes; datasets of 64 KiB or more start at a multiple (0 = packed)
  std::uint64_t chunk_rows = 0;  // rows per chunk of every dataset created; 0 = contiguous
};

// An open HDF5 file. Parallel files are opened by all ranks of a communicator together, and
// all raw-data transfers on them are collective; serial files are opened by one process.
class File {
 public:
  // `key` names the table group a job will read: rank 0 validates the file's structure first in a
  // child process (io/hdf5_validate.hpp), so corrupt metadata is an input error, not a crash.
  static File open_read(const std::string& path, const mpi::Communicator& comm, const std::string& key = {});
  static File create(const std::string& path, const mpi::Communicator& comm);
  static File create(const std::string& path, const mpi::Communicator& comm, const Layout& layout);
  static File open_serial(const std::string& path, bool writable);
  static File create_serial(const std::string& path);
  // A file opened elsewhere (the validator's, io/hdf5_validate.hpp), read serially; the handle is
  // not closed by this File.
  static File borrow_for_reading(std::int64_t file_id, const std::string& path);

  [[nodiscard]] const Hid& handle() const { return file_; }
  [[nodiscard]] const std::string& path() const { return path_; }
  [[nodiscard]] bool parallel() const { return access_ == Access::parallel; }
  // The exit code of a failed call on this file: input when opened for reading, else output.
  [[nodiscard]] ExitCode failure_code() const { return writable_ ? ExitCode::output : ExitCode::input; }

  [[nodiscard]] bool exists(const std::string& object_path) const;
  [[nodiscard]] std::vector<std::string> children(const std::string& group_path) const;
  void create_group(const std::string& group_path) const;  // creates parents as needed
  // Dimensions of a dataset; throws an input error naming the path if it is missing.
  [[nodiscard]] std::vector<std::uint64_t> dims(const std::string& dataset_path) const;
  [[nodiscard]] TypeClass type_class(const std::string& dataset_path) const;
  // Whether the object at `path` is a dataset (not a group, not missing).
  [[nodiscard]] bool is_dataset(const std::string& object_path) const;
  // Whether a dataset holds unsigned integers.
  [[nodiscard]] bool is_unsigned(const std::string& dataset_path) const;
  // The members of a compound dataset (empty for any other type).
  [[nodiscard]] std::vector<CompoundMember> compound_members(const std::string& dataset_path) const;

  // Creates a dataset (contiguous unless the file's Layout sets chunk_rows; no timestamps, no
  // fill, so the bytes depend only on the data).
  void create_dataset(const std::string& path, ColumnType type, const std::vector<std::uint64_t>& dims) const;

  // Rows [block.begin, block.end()) of a 1-D dataset (or of the first axis of a 2-D one, with
  // `out` holding block.count * columns values). Collective on parallel files: every rank calls
  // it the same number of times, a rank with no rows passes an empty block.
  template <class T>
  void read_rows(const std::string& path, const RowBlock& block, std::span<T> out) const {
    transfer_rows(path, block, column_type_of<T>(), out.data(), false);
  }
  template <class T>
  void write_rows(const std::string& path, const RowBlock& block, std::span<const T> in) const {
    transfer_rows(path, block, column_type_of<T>(), const_cast<T*>(in.data()), true);
  }
  // Rows [block.begin, block.end()) of one column wherever it lies (ColumnLocation). Collective on
  // parallel files, like read_rows.
  template <class T>
  void read_column_rows(const ColumnLocation& column, const RowBlock& block, std::span<T> out) const {
    read_located(column, block, column_type_of<T>(), out.data());
  }
  // Rows of a string column (fixed or variable length, ASCII or UTF-8; a 1-D dataset or a string
  // member of a compound one). Each rank reads independently (HDF5 has no collective reads of
  // variable-length data), so it is not a collective call.
  [[nodiscard]] std::vector<std::string> read_string_rows(const ColumnLocation& column, const RowBlock& block) const;
  template <class T>
  std::vector<T> read_all(const std::string& path) const {
    const auto d = dims(path);
    std::vector<T> out(elements(d));
    transfer_rows(path, RowBlock{0, d.empty() ? 1 : d[0]}, column_type_of<T>(), out.data(), false);
    return out;
  }

  // Attributes on any object. Strings are stored fixed-length; readers accept both kinds.
  void write_attribute(const std::string& object_path, const std::string& name, double value) const;
  void write_attribute(const std::string& object_path, const std::string& name, std::int64_t value) const;
  void write_attribute(const std::string& object_path, const std::string& name, const std::string& value) const;
  void write_attribute(const std::string& object_path, const std::string& name,
                       const std::vector<std::string>& values) const;
  [[nodiscard]] bool has_attribute(const std::string& object_path, const std::string& name) const;
  [[nodiscard]] std::vector<std::string> read_string_attribute(const std::string& object_path,
                                                               const std::string& name) const;
  [[nodiscard]] double read_double_attribute(const std::string& object_path, const std::string& name) const;

  // String datasets (small, written whole).
  void write_strings(const std::string& path, const std::vector<std::string>& values) const;
  [[nodiscard]] std::vector<std::string> read_strings(const std::string& path) const;

  // Closes the file. Writable files are flushed first, and on a parallel file every rank learns
  // whether any rank's flush failed (all throw the same output error; "no space left on ..."
  // when the disk is full); the file then stays open, for discard().
  void close();
  // After a failure agreed on every rank (parallel files: call on every rank together): frees the
  // space of the unfinished file (truncated to 0 bytes by rank 0, so that HDF5's closing flush
  // fits even on a full disk; a failed close would leave an open handle that crashes HDF5 at
  // MPI_Finalize), closes it, and rank 0 removes it. Never throws.
  void discard() noexcept;

  // Serial files only: creates a 1-D dataset of `rows` variable-length UTF-8 strings (what h5py
  // writes for Python str), and writes `values` at rows [begin, begin + values.size()). Parallel
  // HDF5 1.10 cannot write variable-length data, so callers with a parallel job write rank by rank.
  void create_vlen_string_dataset(const std::string& path, std::uint64_t rows) const;
  void write_vlen_string_rows(const std::string& path, std::uint64_t begin, const std::vector<std::string>& values) const;

 private:
  File(Hid file, std::string path, Access access, bool writable)
      : file_(std::move(file)), path_(std::move(path)), access_(access), writable_(writable) {}
  // Product of `dims`; throws Hdf5Error if it overflows (a corrupt header, not a real size).
  [[nodiscard]] std::uint64_t elements(const std::vector<std::uint64_t>& dims) const;
  void create_dataset(const std::string& path, const Hid& file_type, const std::vector<std::uint64_t>& dims) const;
  // `column` >= 0: only that column of a 2-D dataset (one value per row).
  void transfer_rows(const std::string& path, const RowBlock& block, ColumnType mem_type, void* data, bool write,
                     std::int64_t column = -1) const;
  void read_located(const ColumnLocation& column, const RowBlock& block, ColumnType mem_type, void* data) const;
  // Parallel writes: throws on every rank when the write failed on any (see close()).
  void agree_on_write(bool failed, const std::string& object) const;
  Hid file_;
  std::string path_;
  const mpi::Communicator* comm_ = nullptr;  // parallel files written by create()
  Access access_ = Access::serial;
  bool writable_ = false;
  Layout layout_;
};

// What this process's raw-data transfers (File::read_rows/write_rows) did: bytes, time, and
// whether parallel HDF5 really transferred collectively. HDF5 falls back to independent I/O
// silently (a type conversion is enough); this is where that shows (HighFive's parallel
// example checks the same). Process-wide counters: the segment job reports them per rank.
struct TransferStats {
  std::uint64_t reads = 0, writes = 0;
  std::uint64_t read_bytes = 0, write_bytes = 0;  // as stored in the file
  double read_seconds = 0.0, write_seconds = 0.0;
  std::uint64_t collective = 0;     // parallel transfers HDF5 did collectively
  std::uint64_t independent = 0;    // parallel transfers that fell back to independent I/O
  std::uint32_t no_collective_causes = 0;  // OR of the H5D_MPIO_* causes of those fallbacks
};
[[nodiscard]] const TransferStats& transfer_stats();
// "datatype conversion, ..." for a mask of H5D_MPIO_* no-collective causes ("" for none).
[[nodiscard]] std::string describe_no_collective_cause(std::uint32_t causes);

}  // namespace custseg::io
