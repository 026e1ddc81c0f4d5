#pragma once
// Checked RAII wrappers over the HDF5 C API (after HighFive's h5*_wrapper.hpp): every call's
// result is checked and a failure throws with HDF5's own error text; every hid_t is owned.
#include <hdf5.h>

#include <cstdint>
#include <span>
#include <string>
#include <type_traits>
#include <vector>

#include "custseg/io/partition.hpp"
#include "custseg/mpi/communicator.hpp"

namespace custseg::io {

// Owns one hid_t and closes it with the matching H5?close.
class Hid {
 public:
  using Closer = herr_t (*)(hid_t);
  Hid() = default;
  Hid(hid_t id, Closer closer, const char* what);
  ~Hid();
  Hid(Hid&& other) noexcept;
  Hid& operator=(Hid&& other) noexcept;
  Hid(const Hid&) = delete;
  Hid& operator=(const Hid&) = delete;
  [[nodiscard]] hid_t get() const { return id_; }

 private:
  hid_t id_ = H5I_INVALID_HID;
  Closer closer_ = nullptr;
};

void check_h5(herr_t status, const char* what);

template <class T>
hid_t native_type() {
  if constexpr (std::is_same_v<T, double>) return H5T_NATIVE_DOUBLE;
  else if constexpr (std::is_same_v<T, float>) return H5T_NATIVE_FLOAT;
  else if constexpr (std::is_same_v<T, std::int32_t>) return H5T_NATIVE_INT32;
  else if constexpr (std::is_same_v<T, std::int64_t>) return H5T_NATIVE_INT64;
  else if constexpr (std::is_same_v<T, std::uint64_t>) return H5T_NATIVE_UINT64;
  else if constexpr (std::is_same_v<T, std::uint8_t>) return H5T_NATIVE_UINT8;
  else static_assert(!sizeof(T), "no HDF5 type for T");
}

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
  static File open_read(const std::string& path, const mpi::Communicator& comm);
  static File create(const std::string& path, const mpi::Communicator& comm);
  static File create(const std::string& path, const mpi::Communicator& comm, const Layout& layout);
  static File open_serial(const std::string& path, bool writable);
  static File create_serial(const std::string& path);

  [[nodiscard]] hid_t id() const { return file_.get(); }
  [[nodiscard]] const std::string& path() const { return path_; }
  [[nodiscard]] bool parallel() const { return access_ == Access::parallel; }

  [[nodiscard]] bool exists(const std::string& object_path) const;
  [[nodiscard]] std::vector<std::string> children(const std::string& group_path) const;
  void create_group(const std::string& group_path) const;  // creates parents as needed
  // Dimensions of a dataset; throws an input error naming the path if it is missing.
  [[nodiscard]] std::vector<std::uint64_t> dims(const std::string& dataset_path) const;
  // HDF5 type class of a dataset (H5T_INTEGER, H5T_FLOAT, ...).
  [[nodiscard]] H5T_class_t type_class(const std::string& dataset_path) const;

  // Creates a dataset (contiguous unless the file's Layout sets chunk_rows; no timestamps, no
  // fill, so the bytes depend only on the data).
  void create_dataset(const std::string& path, hid_t file_type, const std::vector<std::uint64_t>& dims) const;

  // Rows [block.begin, block.end()) of a 1-D dataset (or of the first axis of a 2-D one, with
  // `out` holding block.count * columns values). Collective on parallel files: every rank calls
  // it the same number of times, a rank with no rows passes an empty block.
  template <class T>
  void read_rows(const std::string& path, const RowBlock& block, std::span<T> out) const {
    transfer_rows(path, block, native_type<T>(), out.data(), false);
  }
  template <class T>
  void write_rows(const std::string& path, const RowBlock& block, std::span<const T> in) const {
    transfer_rows(path, block, native_type<T>(), const_cast<T*>(in.data()), true);
  }
  template <class T>
  std::vector<T> read_all(const std::string& path) const {
    const auto d = dims(path);
    std::uint64_t total = 1;
    for (auto x : d) total *= x;
    std::vector<T> out(total);
    transfer_rows(path, RowBlock{0, d.empty() ? 1 : d[0]}, native_type<T>(), out.data(), false);
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

  void close();

 private:
  File(Hid file, std::string path, Access access) : file_(std::move(file)), path_(std::move(path)), access_(access) {}
  void transfer_rows(const std::string& path, const RowBlock& block, hid_t mem_type, void* data, bool write) const;
  Hid file_;
  std::string path_;
  Access access_ = Access::serial;
  Layout layout_;
};

// Silence HDF5's automatic error printing; errors are reported through exceptions instead.
void quiet_hdf5_errors();

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
void reset_transfer_stats();
// "datatype conversion, ..." for a mask of H5D_MPIO_* no-collective causes ("" for none).
[[nodiscard]] std::string describe_no_collective_cause(std::uint32_t causes);

}  // namespace custseg::io
