#include "custseg/io/hdf5.hpp"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <stdexcept>

#include "custseg/util/error.hpp"

namespace custseg::io {
namespace {

herr_t collect_error(unsigned, const H5E_error2_t* e, void* client) {
  auto* text = static_cast<std::string*>(client);
  if (!text->empty()) *text += "; ";
  *text += e->desc ? e->desc : "?";
  return 0;
}

std::string hdf5_error_stack() {
  std::string text;
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_DOWNWARD, collect_error, &text);
  H5Eclear2(H5E_DEFAULT);
  return text;
}

[[noreturn]] void fail(const char* what) {
  throw std::runtime_error(std::string("HDF5: ") + what + " failed: " + hdf5_error_stack());
}

Hid make_fapl(const mpi::Communicator* comm) {
  Hid fapl(H5Pcreate(H5P_FILE_ACCESS), H5Pclose, "H5Pcreate(fapl)");
  if (comm) check_h5(H5Pset_fapl_mpio(fapl.get(), comm->raw(), MPI_INFO_NULL), "H5Pset_fapl_mpio");
  return fapl;
}

Hid open_dataset(hid_t file, const std::string& path) {
  return Hid(H5Dopen2(file, path.c_str(), H5P_DEFAULT), H5Dclose, ("open dataset " + path).c_str());
}

Hid open_object(hid_t file, const std::string& path) {
  return Hid(H5Oopen(file, path.c_str(), H5P_DEFAULT), H5Oclose, ("open object " + path).c_str());
}

Hid fixed_string_type(std::size_t length) {
  Hid type(H5Tcopy(H5T_C_S1), H5Tclose, "H5Tcopy");
  check_h5(H5Tset_size(type.get(), std::max<std::size_t>(length, 1)), "H5Tset_size");
  check_h5(H5Tset_strpad(type.get(), H5T_STR_NULLPAD), "H5Tset_strpad");
  return type;
}

std::size_t longest(const std::vector<std::string>& values) {
  std::size_t n = 1;
  for (const auto& v : values) n = std::max(n, v.size());
  return n;
}

std::vector<char> pack_fixed(const std::vector<std::string>& values, std::size_t width) {
  std::vector<char> buffer(values.size() * width, '\0');
  for (std::size_t i = 0; i < values.size(); ++i) std::memcpy(&buffer[i * width], values[i].data(), values[i].size());
  return buffer;
}

// Reads strings (fixed or variable length) from an attribute or dataset of `type` and `space`.
template <class ReadFn>
std::vector<std::string> read_string_values(hid_t type, hid_t space, ReadFn read) {
  const hssize_t n = H5Sget_simple_extent_npoints(space);
  std::vector<std::string> out;
  if (H5Tget_class(type) != H5T_STRING) throw_input("expected a string attribute or dataset");
  if (H5Tis_variable_str(type) > 0) {
    Hid mem(H5Tcopy(H5T_C_S1), H5Tclose, "H5Tcopy");
    check_h5(H5Tset_size(mem.get(), H5T_VARIABLE), "H5Tset_size");
    std::vector<char*> ptrs(static_cast<std::size_t>(n));
    read(mem.get(), ptrs.data());
    for (char* p : ptrs) out.emplace_back(p ? p : "");
    Hid s(H5Scopy(space), H5Sclose, "H5Scopy");
    H5Dvlen_reclaim(mem.get(), s.get(), H5P_DEFAULT, ptrs.data());
  } else {
    const std::size_t width = H5Tget_size(type);
    Hid mem = fixed_string_type(width);
    std::vector<char> buffer(static_cast<std::size_t>(n) * width);
    read(mem.get(), buffer.data());
    for (hssize_t i = 0; i < n; ++i) {
      const char* p = &buffer[static_cast<std::size_t>(i) * width];
      out.emplace_back(p, strnlen(p, width));
    }
  }
  return out;
}

}  // namespace

void quiet_hdf5_errors() { H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr); }

void check_h5(herr_t status, const char* what) {
  if (status < 0) fail(what);
}

Hid::Hid(hid_t id, Closer closer, const char* what) : id_(id), closer_(closer) {
  if (id_ < 0) fail(what);
}
Hid::~Hid() {
  if (id_ >= 0 && closer_) closer_(id_);
}
Hid::Hid(Hid&& other) noexcept : id_(other.id_), closer_(other.closer_) { other.id_ = H5I_INVALID_HID; }
Hid& Hid::operator=(Hid&& other) noexcept {
  if (this != &other) {
    if (id_ >= 0 && closer_) closer_(id_);
    id_ = other.id_;
    closer_ = other.closer_;
    other.id_ = H5I_INVALID_HID;
  }
  return *this;
}

File File::open_read(const std::string& path, const mpi::Communicator& comm) {
  quiet_hdf5_errors();
  if (!std::filesystem::exists(path)) throw_input("input file not found: " + path);
  if (H5Fis_hdf5(path.c_str()) <= 0) throw_input("not an HDF5 file (or corrupt): " + path);
  Hid fapl = make_fapl(&comm);
  hid_t id = H5Fopen(path.c_str(), H5F_ACC_RDONLY, fapl.get());
  if (id < 0) throw_input("cannot open HDF5 file " + path + ": " + hdf5_error_stack());
  return File(Hid(id, H5Fclose, "H5Fopen"), path, Access::parallel);
}

File File::create(const std::string& path, const mpi::Communicator& comm) { return create(path, comm, Layout{}); }

File File::create(const std::string& path, const mpi::Communicator& comm, const Layout& layout) {
  quiet_hdf5_errors();
  Hid fapl = make_fapl(&comm);
  // Large datasets start on file-system block (or stripe) boundaries, so one rank's collective
  // write or read does not share a block with its neighbour's; small metadata stays packed.
  if (layout.alignment > 0) check_h5(H5Pset_alignment(fapl.get(), 64 * 1024, layout.alignment), "H5Pset_alignment");
  hid_t id = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, fapl.get());
  if (id < 0) throw_output("cannot create " + path + ": " + hdf5_error_stack());
  File file(Hid(id, H5Fclose, "H5Fcreate"), path, Access::parallel);
  file.layout_ = layout;
  return file;
}

File File::open_serial(const std::string& path, bool writable) {
  quiet_hdf5_errors();
  if (!std::filesystem::exists(path)) throw_input("file not found: " + path);
  hid_t id = H5Fopen(path.c_str(), writable ? H5F_ACC_RDWR : H5F_ACC_RDONLY, H5P_DEFAULT);
  if (id < 0) throw_input("cannot open HDF5 file " + path + ": " + hdf5_error_stack());
  return File(Hid(id, H5Fclose, "H5Fopen"), path, Access::serial);
}

File File::create_serial(const std::string& path) {
  quiet_hdf5_errors();
  hid_t id = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  if (id < 0) throw_output("cannot create " + path + ": " + hdf5_error_stack());
  return File(Hid(id, H5Fclose, "H5Fcreate"), path, Access::serial);
}

void File::close() { file_ = Hid(); }

bool File::exists(const std::string& object_path) const {
  // Walk the path one link at a time: H5Lexists fails if an intermediate group is missing.
  std::string partial;
  std::size_t pos = 0;
  while (pos < object_path.size()) {
    std::size_t next = object_path.find('/', pos + 1);
    if (next == std::string::npos) next = object_path.size();
    partial = object_path.substr(0, next);
    if (partial != "/" && !partial.empty()) {
      if (H5Lexists(id(), partial.c_str(), H5P_DEFAULT) <= 0) return false;
    }
    pos = next;
  }
  return true;
}

std::vector<std::string> File::children(const std::string& group_path) const {
  std::vector<std::string> names;
  if (!exists(group_path)) return names;
  Hid group(H5Gopen2(id(), group_path.c_str(), H5P_DEFAULT), H5Gclose, "H5Gopen2");
  H5G_info_t info{};
  check_h5(H5Gget_info(group.get(), &info), "H5Gget_info");
  for (hsize_t i = 0; i < info.nlinks; ++i) {
    const ssize_t length = H5Lget_name_by_idx(group.get(), ".", H5_INDEX_CRT_ORDER, H5_ITER_INC, i, nullptr, 0, H5P_DEFAULT);
    std::string name;
    if (length < 0) {
      // Creation order is not tracked in every file; fall back to name order.
      const ssize_t l2 = H5Lget_name_by_idx(group.get(), ".", H5_INDEX_NAME, H5_ITER_INC, i, nullptr, 0, H5P_DEFAULT);
      H5Eclear2(H5E_DEFAULT);
      name.resize(static_cast<std::size_t>(l2));
      H5Lget_name_by_idx(group.get(), ".", H5_INDEX_NAME, H5_ITER_INC, i, name.data(), name.size() + 1, H5P_DEFAULT);
    } else {
      name.resize(static_cast<std::size_t>(length));
      H5Lget_name_by_idx(group.get(), ".", H5_INDEX_CRT_ORDER, H5_ITER_INC, i, name.data(), name.size() + 1, H5P_DEFAULT);
    }
    names.push_back(name);
  }
  return names;
}

void File::create_group(const std::string& group_path) const {
  if (exists(group_path)) return;
  Hid lcpl(H5Pcreate(H5P_LINK_CREATE), H5Pclose, "H5Pcreate(lcpl)");
  check_h5(H5Pset_create_intermediate_group(lcpl.get(), 1), "H5Pset_create_intermediate_group");
  Hid gcpl(H5Pcreate(H5P_GROUP_CREATE), H5Pclose, "H5Pcreate(gcpl)");
  check_h5(H5Pset_link_creation_order(gcpl.get(), H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED),
           "H5Pset_link_creation_order");
  Hid g(H5Gcreate2(id(), group_path.c_str(), lcpl.get(), gcpl.get(), H5P_DEFAULT), H5Gclose,
        ("create group " + group_path).c_str());
}

std::vector<std::uint64_t> File::dims(const std::string& dataset_path) const {
  if (!exists(dataset_path)) throw_input("dataset " + dataset_path + " not found in " + path_);
  Hid ds = open_dataset(id(), dataset_path);
  Hid space(H5Dget_space(ds.get()), H5Sclose, "H5Dget_space");
  const int rank = H5Sget_simple_extent_ndims(space.get());
  std::vector<hsize_t> d(static_cast<std::size_t>(std::max(rank, 0)));
  H5Sget_simple_extent_dims(space.get(), d.data(), nullptr);
  return {d.begin(), d.end()};
}

H5T_class_t File::type_class(const std::string& dataset_path) const {
  Hid ds = open_dataset(id(), dataset_path);
  Hid type(H5Dget_type(ds.get()), H5Tclose, "H5Dget_type");
  return H5Tget_class(type.get());
}

void File::create_dataset(const std::string& path, hid_t file_type, const std::vector<std::uint64_t>& dims) const {
  const auto slash = path.rfind('/');
  if (slash != std::string::npos && slash > 0) create_group(path.substr(0, slash));
  std::vector<hsize_t> d(dims.begin(), dims.end());
  Hid space(H5Screate_simple(static_cast<int>(d.size()), d.data(), nullptr), H5Sclose, "H5Screate_simple");
  Hid dcpl(H5Pcreate(H5P_DATASET_CREATE), H5Pclose, "H5Pcreate(dcpl)");
  // No modification times and no fill pass: the file's bytes depend only on its content, and
  // large columns are written once instead of twice.
  check_h5(H5Pset_obj_track_times(dcpl.get(), 0), "H5Pset_obj_track_times");
  check_h5(H5Pset_fill_time(dcpl.get(), H5D_FILL_TIME_NEVER), "H5Pset_fill_time");
  check_h5(H5Pset_alloc_time(dcpl.get(), H5D_ALLOC_TIME_EARLY), "H5Pset_alloc_time");
  if (layout_.chunk_rows > 0 && !d.empty() && d[0] > 0) {
    // A fixed-size dataset's chunk may not exceed it; other axes are kept whole.
    std::vector<hsize_t> chunk(d);
    chunk[0] = std::min<hsize_t>(layout_.chunk_rows, d[0]);
    check_h5(H5Pset_chunk(dcpl.get(), static_cast<int>(chunk.size()), chunk.data()), "H5Pset_chunk");
  }
  Hid ds(H5Dcreate2(id(), path.c_str(), file_type, space.get(), H5P_DEFAULT, dcpl.get(), H5P_DEFAULT), H5Dclose,
         ("create dataset " + path).c_str());
}

namespace {

TransferStats g_transfer_stats;

bool is_numeric(hid_t type) {
  const H5T_class_t c = H5Tget_class(type);
  return c == H5T_INTEGER || c == H5T_FLOAT;
}

// After a parallel transfer: did HDF5 really do it collectively? (It falls back silently.)
void record_io_mode(hid_t dxpl) {
  H5D_mpio_actual_io_mode_t mode = H5D_MPIO_NO_COLLECTIVE;
  if (H5Pget_mpio_actual_io_mode(dxpl, &mode) < 0) return;
  if (mode != H5D_MPIO_NO_COLLECTIVE) {
    ++g_transfer_stats.collective;
    return;
  }
  ++g_transfer_stats.independent;
  std::uint32_t local = 0, global = 0;
  if (H5Pget_mpio_no_collective_cause(dxpl, &local, &global) >= 0) g_transfer_stats.no_collective_causes |= local | global;
}

}  // namespace

const TransferStats& transfer_stats() { return g_transfer_stats; }
void reset_transfer_stats() { g_transfer_stats = TransferStats{}; }

std::string describe_no_collective_cause(std::uint32_t causes) {
  static const std::pair<std::uint32_t, const char*> names[] = {
      {H5D_MPIO_SET_INDEPENDENT, "independent I/O requested"},
      {H5D_MPIO_DATATYPE_CONVERSION, "datatype conversion"},
      {H5D_MPIO_DATA_TRANSFORMS, "data transforms"},
      {H5D_MPIO_MPI_OPT_TYPES_ENV_VAR_DISABLED, "MPI derived types disabled by environment"},
      {H5D_MPIO_NOT_SIMPLE_OR_SCALAR_DATASPACES, "dataspace not simple or scalar"},
      {H5D_MPIO_NOT_CONTIGUOUS_OR_CHUNKED_DATASET, "dataset neither contiguous nor chunked"},
      {H5D_MPIO_PARALLEL_FILTERED_WRITES_DISABLED, "parallel filtered writes disabled"},
      {H5D_MPIO_ERROR_WHILE_CHECKING_COLLECTIVE_POSSIBLE, "error while checking collective I/O"},
  };
  std::string text;
  for (const auto& [bit, name] : names)
    if (causes & bit) text += (text.empty() ? "" : ", ") + std::string(name);
  if (causes != 0 && text.empty()) text = "cause " + std::to_string(causes);
  return text;
}

void File::transfer_rows(const std::string& path, const RowBlock& block, hid_t mem_type, void* data, bool write) const {
  Hid ds = open_dataset(id(), path);
  Hid file_space(H5Dget_space(ds.get()), H5Sclose, "H5Dget_space");
  const int rank = H5Sget_simple_extent_ndims(file_space.get());
  std::vector<hsize_t> full(static_cast<std::size_t>(rank));
  H5Sget_simple_extent_dims(file_space.get(), full.data(), nullptr);
  std::vector<hsize_t> start(full.size(), 0), count(full);
  if (rank >= 1) {
    if (block.end() > full[0]) throw_input("rows past the end of " + path);
    start[0] = block.begin;
    count[0] = block.count;
  }
  hsize_t elements = 1;
  for (auto c : count) elements *= c;
  Hid mem_space(H5Screate_simple(1, &elements, nullptr), H5Sclose, "H5Screate_simple");
  if (elements == 0) {
    // A rank with no rows still takes part in the collective transfer, selecting nothing.
    check_h5(H5Sselect_none(file_space.get()), "H5Sselect_none");
    check_h5(H5Sselect_none(mem_space.get()), "H5Sselect_none");
  } else if (rank >= 1) {
    check_h5(H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, start.data(), nullptr, count.data(), nullptr),
             "H5Sselect_hyperslab");
  }
  Hid dxpl(H5Pcreate(H5P_DATASET_XFER), H5Pclose, "H5Pcreate(dxpl)");
  if (parallel()) check_h5(H5Pset_dxpl_mpio(dxpl.get(), H5FD_MPIO_COLLECTIVE), "H5Pset_dxpl_mpio");
  static double dummy = 0;
  void* buffer = (elements == 0 || data == nullptr) ? &dummy : data;

  // Parallel HDF5 does a transfer that needs a type conversion (an int32 column read as double)
  // independently, rank by rank. So on parallel files the bytes travel collectively in the
  // file's own type and are converted here, in memory, with the same HDF5 conversion. Every
  // rank takes the same branch, those with no rows too: one rank converting would be enough to
  // make HDF5 drop collective I/O for all.
  Hid file_type(H5Dget_type(ds.get()), H5Tclose, "H5Dget_type");
  Hid stored(H5Tget_native_type(file_type.get(), H5T_DIR_ASCEND), H5Tclose, "H5Tget_native_type");
  const bool convert = parallel() && is_numeric(stored.get()) && is_numeric(mem_type) &&
                       H5Tequal(stored.get(), mem_type) <= 0;
  const std::size_t mem_size = H5Tget_size(mem_type), stored_size = H5Tget_size(stored.get());
  std::vector<unsigned char> staging;  // only when the stored type is wider, or for writes
  hid_t transfer_type = mem_type;
  void* transfer_buffer = buffer;
  if (convert) transfer_type = stored.get();
  if (convert && buffer != &dummy) {
    if (write || stored_size > mem_size) {
      staging.resize(static_cast<std::size_t>(elements) * std::max(mem_size, stored_size));
      transfer_buffer = staging.data();
    }
    if (write) {
      std::memcpy(staging.data(), data, static_cast<std::size_t>(elements) * mem_size);
      check_h5(H5Tconvert(mem_type, stored.get(), elements, staging.data(), nullptr, H5P_DEFAULT), "H5Tconvert");
    }
  }

  const auto clock = std::chrono::steady_clock::now();
  const herr_t status = write ? H5Dwrite(ds.get(), transfer_type, mem_space.get(), file_space.get(), dxpl.get(), transfer_buffer)
                              : H5Dread(ds.get(), transfer_type, mem_space.get(), file_space.get(), dxpl.get(), transfer_buffer);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - clock).count();
  if (status < 0) {
    const std::string stack = hdf5_error_stack();
    if (write) throw_output("writing " + path + " in " + path_ + " failed: " + stack);
    throw_input("reading " + path + " from " + path_ + " failed (wrong type or corrupt file?): " + stack);
  }
  if (convert && !write && buffer != &dummy) {
    // In place when the memory type is at least as wide (HDF5 converts overlapping buffers).
    check_h5(H5Tconvert(stored.get(), mem_type, elements, transfer_buffer, nullptr, H5P_DEFAULT), "H5Tconvert");
    if (transfer_buffer != buffer) std::memcpy(buffer, transfer_buffer, static_cast<std::size_t>(elements) * mem_size);
  }
  auto& stats = g_transfer_stats;
  const std::uint64_t bytes = static_cast<std::uint64_t>(elements) * H5Tget_size(file_type.get());
  if (write) {
    ++stats.writes;
    stats.write_bytes += bytes;
    stats.write_seconds += seconds;
  } else {
    ++stats.reads;
    stats.read_bytes += bytes;
    stats.read_seconds += seconds;
  }
  if (parallel()) record_io_mode(dxpl.get());
}

namespace {
void write_attr(hid_t file, const std::string& obj, const std::string& name, hid_t file_type, hid_t mem_type,
                hsize_t n, const void* data, bool scalar) {
  Hid o = open_object(file, obj);
  if (H5Aexists(o.get(), name.c_str()) > 0) check_h5(H5Adelete(o.get(), name.c_str()), "H5Adelete");
  Hid space(scalar ? H5Screate(H5S_SCALAR) : H5Screate_simple(1, &n, nullptr), H5Sclose, "H5Screate");
  Hid attr(H5Acreate2(o.get(), name.c_str(), file_type, space.get(), H5P_DEFAULT, H5P_DEFAULT), H5Aclose,
           ("create attribute " + name).c_str());
  check_h5(H5Awrite(attr.get(), mem_type, data), "H5Awrite");
}
}  // namespace

void File::write_attribute(const std::string& obj, const std::string& name, double value) const {
  write_attr(id(), obj, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 1, &value, true);
}
void File::write_attribute(const std::string& obj, const std::string& name, std::int64_t value) const {
  write_attr(id(), obj, name, H5T_STD_I64LE, H5T_NATIVE_INT64, 1, &value, true);
}
void File::write_attribute(const std::string& obj, const std::string& name, const std::string& value) const {
  Hid type = fixed_string_type(value.size());
  std::vector<char> buffer = pack_fixed({value}, std::max<std::size_t>(value.size(), 1));
  write_attr(id(), obj, name, type.get(), type.get(), 1, buffer.data(), true);
}
void File::write_attribute(const std::string& obj, const std::string& name,
                           const std::vector<std::string>& values) const {
  const std::size_t width = longest(values);
  Hid type = fixed_string_type(width);
  std::vector<char> buffer = pack_fixed(values, width);
  write_attr(id(), obj, name, type.get(), type.get(), values.size(), buffer.data(), false);
}

bool File::has_attribute(const std::string& obj, const std::string& name) const {
  if (!exists(obj)) return false;
  Hid o = open_object(id(), obj);
  return H5Aexists(o.get(), name.c_str()) > 0;
}

std::vector<std::string> File::read_string_attribute(const std::string& obj, const std::string& name) const {
  Hid o = open_object(id(), obj);
  Hid attr(H5Aopen(o.get(), name.c_str(), H5P_DEFAULT), H5Aclose, ("open attribute " + name).c_str());
  Hid type(H5Aget_type(attr.get()), H5Tclose, "H5Aget_type");
  Hid space(H5Aget_space(attr.get()), H5Sclose, "H5Aget_space");
  return read_string_values(type.get(), space.get(),
                            [&](hid_t mem, void* buf) { check_h5(H5Aread(attr.get(), mem, buf), "H5Aread"); });
}

double File::read_double_attribute(const std::string& obj, const std::string& name) const {
  Hid o = open_object(id(), obj);
  Hid attr(H5Aopen(o.get(), name.c_str(), H5P_DEFAULT), H5Aclose, ("open attribute " + name).c_str());
  double value = 0;
  check_h5(H5Aread(attr.get(), H5T_NATIVE_DOUBLE, &value), "H5Aread");
  return value;
}

void File::write_strings(const std::string& path, const std::vector<std::string>& values) const {
  const std::size_t width = longest(values);
  Hid type = fixed_string_type(width);
  create_dataset(path, type.get(), {values.size()});
  Hid ds = open_dataset(id(), path);
  std::vector<char> buffer = pack_fixed(values, width);
  if (!values.empty()) check_h5(H5Dwrite(ds.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, buffer.data()), "H5Dwrite(strings)");
}

std::vector<std::string> File::read_strings(const std::string& path) const {
  Hid ds = open_dataset(id(), path);
  Hid type(H5Dget_type(ds.get()), H5Tclose, "H5Dget_type");
  Hid space(H5Dget_space(ds.get()), H5Sclose, "H5Dget_space");
  return read_string_values(type.get(), space.get(), [&](hid_t mem, void* buf) {
    check_h5(H5Dread(ds.get(), mem, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf), "H5Dread(strings)");
  });
}

}  // namespace custseg::io
