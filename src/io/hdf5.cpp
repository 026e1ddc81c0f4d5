#include "custseg/io/hdf5.hpp"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <limits>

#include "custseg/io/hdf5_validate.hpp"
#include "custseg/io/output_space.hpp"
#include "custseg/mpi/collective_guard.hpp"
#include "hdf5_call.hpp"

namespace custseg::io {

namespace detail {
namespace {
herr_t collect_error(unsigned, const H5E_error2_t* e, void* client) {
  auto* text = static_cast<std::string*>(client);
  if (!text->empty()) *text += "; ";
  if (e->func_name) *text += std::string(e->func_name) + "(): ";
  *text += e->desc ? e->desc : "?";
  return 0;
}
}  // namespace

std::string hdf5_error_stack() {
  std::string text;
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_DOWNWARD, collect_error, &text);
  H5Eclear2(H5E_DEFAULT);
  return text;
}

void quiet_hdf5_errors() { H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr); }

std::string describe(const Site& site) {
  const char* verb = site.code == ExitCode::input ? "cannot read " : site.code == ExitCode::output ? "cannot write " : "";
  std::string text = std::string(verb) + site.file;
  if (!site.object.empty()) text += " (object " + site.object + ")";
  return text;
}

void fail(const Site& site, const char* call) {
  const std::string stack = hdf5_error_stack();
  std::string message = describe(site) + ": HDF5 " + std::string(call) + " failed";
  if (!stack.empty()) message += ": " + stack;
  throw Hdf5Error(site.code, message);
}
}  // namespace detail

using detail::check;
using detail::check_size;
using detail::own;
using detail::raw;
using detail::Site;

namespace {

Site at(const File& file, const std::string& object = {}) { return {file.path(), object, file.failure_code()}; }

// A predefined HDF5 type: not owned (closing it is an error), so the Hid has no closer.
Hid predefined(hid_t type) { return detail::HidAccess::adopt(type, nullptr); }

hid_t stored_type(ColumnType type) {
  switch (type) {
    case ColumnType::uint8: return H5T_STD_U8LE;
    case ColumnType::int32: return H5T_STD_I32LE;
    case ColumnType::int64: return H5T_STD_I64LE;
    case ColumnType::uint64: return H5T_STD_U64LE;
    case ColumnType::float32: return H5T_IEEE_F32LE;
    case ColumnType::float64: return H5T_IEEE_F64LE;
  }
  return H5I_INVALID_HID;
}

hid_t memory_type(ColumnType type) {
  switch (type) {
    case ColumnType::uint8: return H5T_NATIVE_UINT8;
    case ColumnType::int32: return H5T_NATIVE_INT32;
    case ColumnType::int64: return H5T_NATIVE_INT64;
    case ColumnType::uint64: return H5T_NATIVE_UINT64;
    case ColumnType::float32: return H5T_NATIVE_FLOAT;
    case ColumnType::float64: return H5T_NATIVE_DOUBLE;
  }
  return H5I_INVALID_HID;
}

// A header field that cannot be a real size: the message names it and blames the file.
[[noreturn]] void implausible(const Site& site, const std::string& what) {
  throw Hdf5Error(site.code, detail::describe(site) + ": " + what + " (corrupt file?)");
}

std::uint64_t checked_product(std::uint64_t a, std::uint64_t b, const Site& site) {
  if (b != 0 && a > std::numeric_limits<std::uint64_t>::max() / b) implausible(site, "size overflows 64 bits");
  return a * b;
}

// Raw data that is not compressed lies inside the file, so a header claiming more bytes than the
// file holds is corrupt. Checked on input files before anyone allocates that many bytes.
void check_fits_in_file(const File& file, std::uint64_t bytes, const Site& site) {
  if (file.failure_code() != ExitCode::input) return;
  hsize_t file_size = 0;
  check(H5Fget_filesize(raw(file), &file_size), site, "H5Fget_filesize");
  if (bytes > file_size)
    implausible(site, "header claims " + std::to_string(bytes) + " bytes in a file of " + std::to_string(file_size));
}

Hid make_fapl(const mpi::Communicator* comm, const Site& site) {
  Hid fapl = own(H5Pcreate(H5P_FILE_ACCESS), H5Pclose, site, "H5Pcreate(file access)");
  if (comm) check(H5Pset_fapl_mpio(raw(fapl), comm->raw(), MPI_INFO_NULL), site, "H5Pset_fapl_mpio");
  return fapl;
}

Hid open_dataset(const File& file, const std::string& path) {
  return own(H5Dopen2(raw(file), path.c_str(), H5P_DEFAULT), H5Dclose, at(file, path), "H5Dopen2");
}

Hid open_object(const File& file, const std::string& path) {
  return own(H5Oopen(raw(file), path.c_str(), H5P_DEFAULT), H5Oclose, at(file, path), "H5Oopen");
}

Hid fixed_string_type(std::size_t length, const Site& site) {
  Hid type = own(H5Tcopy(H5T_C_S1), H5Tclose, site, "H5Tcopy");
  check(H5Tset_size(raw(type), std::max<std::size_t>(length, 1)), site, "H5Tset_size");
  check(H5Tset_strpad(raw(type), H5T_STR_NULLPAD), site, "H5Tset_strpad");
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

// Reads variable-length strings: HDF5 allocates each one, and we hand them back after copying.
// The memory type takes the stored character set: HDF5 has no conversion between ASCII and
// UTF-8 strings, so asking for ASCII fails on what h5py writes (UTF-8) and the other way round.
template <class ReadFn>
std::vector<std::string> read_variable_strings(hid_t space, std::size_t n, H5T_cset_t cset, ReadFn read, const Site& site) {
  Hid mem = own(H5Tcopy(H5T_C_S1), H5Tclose, site, "H5Tcopy");
  check(H5Tset_size(raw(mem), H5T_VARIABLE), site, "H5Tset_size");
  check(H5Tset_cset(raw(mem), cset), site, "H5Tset_cset");
  std::vector<char*> ptrs(n, nullptr);
  read(raw(mem), ptrs.data());
  std::vector<std::string> out;
  for (char* p : ptrs) out.emplace_back(p ? p : "");
  check(H5Dvlen_reclaim(raw(mem), space, H5P_DEFAULT, ptrs.data()), site, "H5Dvlen_reclaim");
  return out;
}

template <class ReadFn>
std::vector<std::string> read_fixed_strings(std::size_t n, std::size_t width, H5T_cset_t cset, ReadFn read, const Site& site) {
  Hid mem = fixed_string_type(width, site);
  check(H5Tset_cset(raw(mem), cset), site, "H5Tset_cset");
  std::vector<char> buffer(n * width);
  read(raw(mem), buffer.data());
  std::vector<std::string> out;
  for (std::size_t i = 0; i < n; ++i) {
    const char* p = &buffer[i * width];
    out.emplace_back(p, strnlen(p, width));
  }
  return out;
}

// Reads strings (fixed or variable length) from an attribute or dataset of `type` and `space`.
template <class ReadFn>
std::vector<std::string> read_string_values(const File& file, hid_t type, hid_t space, ReadFn read, const Site& site) {
  const auto n = static_cast<std::uint64_t>(check(H5Sget_simple_extent_npoints(space), site, "H5Sget_simple_extent_npoints"));
  if (check(H5Tget_class(type), site, "H5Tget_class") != H5T_STRING)
    throw_input(detail::describe(site) + ": expected strings");
  const H5T_cset_t cset = check(H5Tget_cset(type), site, "H5Tget_cset");
  if (check(H5Tis_variable_str(type), site, "H5Tis_variable_str") > 0) {
    check_fits_in_file(file, n, site);  // at least one byte of heap per string
    return read_variable_strings(space, static_cast<std::size_t>(n), cset, read, site);
  }
  const std::size_t width = check_size(H5Tget_size(type), site, "H5Tget_size");
  check_fits_in_file(file, checked_product(n, width, site), site);
  return read_fixed_strings(static_cast<std::size_t>(n), width, cset, read, site);
}

}  // namespace

Hid::~Hid() { reset(); }
void Hid::reset() noexcept {
  // A failed close cannot be reported from a destructor; HDF5 keeps it on its error stack.
  if (id_ >= 0 && closer_) closer_(id_);
  id_ = H5I_INVALID_HID;
}
Hid::Hid(Hid&& other) noexcept : id_(other.id_), closer_(other.closer_) { other.id_ = H5I_INVALID_HID; }
Hid& Hid::operator=(Hid&& other) noexcept {
  if (this != &other) {
    reset();
    id_ = other.id_;
    closer_ = other.closer_;
    other.id_ = H5I_INVALID_HID;
  }
  return *this;
}

namespace {
// Plain messages for the usual mistakes, before HDF5 sees the path.
void check_input_path(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::file_status status = fs::status(path, ec);
  // A symlink loop, a path through a file, a directory we may not search: say what stat said.
  if (ec && ec != std::errc::no_such_file_or_directory) throw_input("cannot open input " + path + ": " + ec.message());
  if (!fs::exists(status)) throw_input("input file not found: " + path);
  if (fs::is_directory(status)) throw_input("input is a directory, not an HDF5 file: " + path);
  const Site site{path, {}, ExitCode::input};
  if (check(H5Fis_hdf5(path.c_str()), site, "H5Fis_hdf5") == 0) throw_input("not an HDF5 file (or corrupt): " + path);
}
}  // namespace

File File::open_read(const std::string& path, const mpi::Communicator& comm, const std::string& key) {
  detail::quiet_hdf5_errors();
  // All ranks check and agree before H5Fopen, which is collective: a rank that cannot read the
  // file must not leave the others waiting inside it. Rank 0 then has a child process read the
  // file's structure, where a crash of libhdf5 on corrupt metadata costs only the child.
  mpi::agree(comm, [&] {
    check_input_path(path);
    if (comm.is_root()) validate_in_child(path, key);
  });
  const Site site{path, {}, ExitCode::input};
  Hid fapl = make_fapl(&comm, site);
  Hid file = own(H5Fopen(path.c_str(), H5F_ACC_RDONLY, raw(fapl)), H5Fclose, site, "H5Fopen");
  return File(std::move(file), path, Access::parallel, false);
}

File File::create(const std::string& path, const mpi::Communicator& comm) { return create(path, comm, Layout{}); }

File File::create(const std::string& path, const mpi::Communicator& comm, const Layout& layout) {
  detail::quiet_hdf5_errors();
  const Site site{path, {}, ExitCode::output};
  Hid fapl = make_fapl(&comm, site);
  // Large datasets start on file-system block (or stripe) boundaries, so one rank's collective
  // write or read does not share a block with its neighbour's; small metadata stays packed.
  if (layout.alignment > 0) check(H5Pset_alignment(raw(fapl), 64 * 1024, layout.alignment), site, "H5Pset_alignment");
  Hid id = own(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, raw(fapl)), H5Fclose, site, "H5Fcreate");
  File file(std::move(id), path, Access::parallel, true);
  file.layout_ = layout;
  file.comm_ = &comm;
  return file;
}

File File::open_serial(const std::string& path, bool writable) {
  detail::quiet_hdf5_errors();
  if (!std::filesystem::exists(path)) throw_input("file not found: " + path);
  if (!writable) validate_in_child(path, {});
  const Site site{path, {}, writable ? ExitCode::output : ExitCode::input};
  Hid id = own(H5Fopen(path.c_str(), writable ? H5F_ACC_RDWR : H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose, site, "H5Fopen");
  return File(std::move(id), path, Access::serial, writable);
}

File File::create_serial(const std::string& path) {
  detail::quiet_hdf5_errors();
  const Site site{path, {}, ExitCode::output};
  Hid id = own(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), H5Fclose, site, "H5Fcreate");
  return File(std::move(id), path, Access::serial, true);
}

File File::borrow_for_reading(std::int64_t file_id, const std::string& path) {
  return File(detail::HidAccess::adopt(file_id, nullptr), path, Access::serial, false);
}

void File::agree_on_write(bool failed, const std::string& object) const {
  // One rank failing a collective write while the others go on to the next collective call
  // would hang the job: every rank learns of the failure here and throws with it. Without an
  // errno from MPI-IO, a full file system is recognized by what is left on it.
  const bool any = comm_ && comm_->size() > 1 ? comm_->max(std::int64_t{failed}) != 0 : failed;
  if (!any) return;
  if (out_of_space(path_)) throw_no_space(path_);
  throw_output("cannot write " + path_ + (object.empty() ? "" : " (object " + object + ")") +
               (failed ? "" : ": the write failed on another rank"));
}

void File::close() {
  if (writable_ && file_.valid()) {
    bool failed = false;
    std::string why;
    try {
      check(H5Fflush(raw(file_), H5F_SCOPE_LOCAL), at(*this), "H5Fflush");
    } catch (const Error& e) {
      failed = true;
      why = e.what();
    }
    if (comm_) {
      agree_on_write(failed, {});
    } else if (failed) {
      if (out_of_space(path_)) throw_no_space(path_);
      throw_output(why);
    }
  }
  file_ = Hid();
}

void File::discard() noexcept {
  const bool owner = comm_ == nullptr || comm_->is_root();
  try {
    if (owner && file_.valid()) std::filesystem::resize_file(path_, 0);
  } catch (...) {  // nothing to free: the close below may still succeed
  }
  if (comm_ && file_.valid()) comm_->barrier();  // the space is free before any rank flushes
  file_ = Hid();
  std::error_code ignored;
  if (owner) std::filesystem::remove(path_, ignored);
}

bool File::exists(const std::string& object_path) const {
  // Walk the path one link at a time: H5Lexists fails if an intermediate group is missing.
  std::size_t pos = 0;
  while (pos < object_path.size()) {
    std::size_t next = object_path.find('/', pos + 1);
    if (next == std::string::npos) next = object_path.size();
    const std::string partial = object_path.substr(0, next);
    if (partial != "/" && !partial.empty()) {
      if (check(H5Lexists(raw(*this), partial.c_str(), H5P_DEFAULT), at(*this, partial), "H5Lexists") == 0) return false;
    }
    pos = next;
  }
  return true;
}

namespace {
// Link names are short; a longer "name" is a corrupt heap, refused before it is allocated.
constexpr ssize_t kMaxLinkName = 64 * 1024;

// Creation order when the group tracks it (custseg writes it so), else name order (h5py's default).
H5_index_t link_order(hid_t group, const Site& site) {
  Hid gcpl = own(H5Gget_create_plist(group), H5Pclose, site, "H5Gget_create_plist");
  unsigned flags = 0;
  check(H5Pget_link_creation_order(raw(gcpl), &flags), site, "H5Pget_link_creation_order");
  return (flags & H5P_CRT_ORDER_TRACKED) ? H5_INDEX_CRT_ORDER : H5_INDEX_NAME;
}

std::string link_name(hid_t group, H5_index_t order, hsize_t i, const Site& site) {
  const ssize_t length =
      check(H5Lget_name_by_idx(group, ".", order, H5_ITER_INC, i, nullptr, 0, H5P_DEFAULT), site, "H5Lget_name_by_idx");
  if (length > kMaxLinkName) implausible(site, "a link name of " + std::to_string(length) + " bytes");
  std::string name(static_cast<std::size_t>(length), '\0');
  check(H5Lget_name_by_idx(group, ".", order, H5_ITER_INC, i, name.data(), name.size() + 1, H5P_DEFAULT), site,
        "H5Lget_name_by_idx");
  return name;
}
}  // namespace

std::vector<std::string> File::children(const std::string& group_path) const {
  std::vector<std::string> names;
  if (!exists(group_path)) return names;
  const Site site = at(*this, group_path);
  Hid group = own(H5Gopen2(raw(*this), group_path.c_str(), H5P_DEFAULT), H5Gclose, site, "H5Gopen2");
  H5G_info_t info{};
  check(H5Gget_info(raw(group), &info), site, "H5Gget_info");
  const H5_index_t order = link_order(raw(group), site);
  for (hsize_t i = 0; i < info.nlinks; ++i) names.push_back(link_name(raw(group), order, i, site));
  return names;
}

void File::create_group(const std::string& group_path) const {
  if (exists(group_path)) return;
  const Site site = at(*this, group_path);
  Hid lcpl = own(H5Pcreate(H5P_LINK_CREATE), H5Pclose, site, "H5Pcreate(link create)");
  check(H5Pset_create_intermediate_group(raw(lcpl), 1), site, "H5Pset_create_intermediate_group");
  Hid gcpl = own(H5Pcreate(H5P_GROUP_CREATE), H5Pclose, site, "H5Pcreate(group create)");
  check(H5Pset_link_creation_order(raw(gcpl), H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED), site,
        "H5Pset_link_creation_order");
  own(H5Gcreate2(raw(*this), group_path.c_str(), raw(lcpl), raw(gcpl), H5P_DEFAULT), H5Gclose, site, "H5Gcreate2");
}

namespace {
std::vector<std::uint64_t> extent(hid_t space, const Site& site) {
  const int rank = check(H5Sget_simple_extent_ndims(space), site, "H5Sget_simple_extent_ndims");
  if (rank > H5S_MAX_RANK) implausible(site, std::to_string(rank) + " dimensions");
  std::vector<hsize_t> d(static_cast<std::size_t>(rank));
  check(H5Sget_simple_extent_dims(space, d.data(), nullptr), site, "H5Sget_simple_extent_dims");
  return {d.begin(), d.end()};
}

bool contiguous(hid_t dataset, const Site& site) {
  Hid dcpl = own(H5Dget_create_plist(dataset), H5Pclose, site, "H5Dget_create_plist");
  return check(H5Pget_layout(raw(dcpl)), site, "H5Pget_layout") == H5D_CONTIGUOUS;
}
}  // namespace

std::uint64_t File::elements(const std::vector<std::uint64_t>& dims) const {
  std::uint64_t total = 1;
  for (auto x : dims) total = checked_product(total, x, at(*this));
  return total;
}

std::vector<std::uint64_t> File::dims(const std::string& dataset_path) const {
  if (!exists(dataset_path)) throw_input("dataset " + dataset_path + " not found in " + path_);
  const Site site = at(*this, dataset_path);
  Hid ds = open_dataset(*this, dataset_path);
  Hid space = own(H5Dget_space(raw(ds)), H5Sclose, site, "H5Dget_space");
  const std::vector<std::uint64_t> d = extent(raw(space), site);
  // Callers allocate from these dimensions: a corrupt header must not become a huge allocation.
  std::uint64_t count = 1;
  for (auto x : d) count = checked_product(count, x, site);
  if (contiguous(raw(ds), site)) {
    Hid type = own(H5Dget_type(raw(ds)), H5Tclose, site, "H5Dget_type");
    check_fits_in_file(*this, checked_product(count, check_size(H5Tget_size(raw(type)), site, "H5Tget_size"), site), site);
  }
  return d;
}

TypeClass File::type_class(const std::string& dataset_path) const {
  const Site site = at(*this, dataset_path);
  Hid ds = open_dataset(*this, dataset_path);
  Hid type = own(H5Dget_type(raw(ds)), H5Tclose, site, "H5Dget_type");
  switch (check(H5Tget_class(raw(type)), site, "H5Tget_class")) {
    case H5T_INTEGER: return TypeClass::integer;
    case H5T_FLOAT: return TypeClass::floating;
    case H5T_STRING: return TypeClass::string;
    case H5T_ENUM: return TypeClass::enumeration;  // HDF5 enums are always over an integer type
    case H5T_COMPOUND: return TypeClass::compound;
    default: return TypeClass::other;
  }
}

namespace {
TypeClass class_of(hid_t type, const Site& site) {
  switch (check(H5Tget_class(type), site, "H5Tget_class")) {
    case H5T_INTEGER: return TypeClass::integer;
    case H5T_FLOAT: return TypeClass::floating;
    case H5T_STRING: return TypeClass::string;
    case H5T_ENUM: return TypeClass::enumeration;
    case H5T_COMPOUND: return TypeClass::compound;
    default: return TypeClass::other;
  }
}

// An array member (pandas' values_block_N of several columns) counts its elements; its class is
// that of the elements.
CompoundMember describe_member(hid_t compound, unsigned i, const Site& site) {
  CompoundMember m;
  char* name = H5Tget_member_name(compound, i);
  if (!name) detail::fail(site, "H5Tget_member_name");
  m.name = name;
  H5free_memory(name);
  Hid type = own(H5Tget_member_type(compound, i), H5Tclose, site, "H5Tget_member_type");
  if (check(H5Tget_class(raw(type)), site, "H5Tget_class") != H5T_ARRAY) {
    m.type = class_of(raw(type), site);
    m.is_unsigned = m.type == TypeClass::integer && H5Tget_sign(raw(type)) == H5T_SGN_NONE;
    return m;
  }
  const int rank = check(H5Tget_array_ndims(raw(type)), site, "H5Tget_array_ndims");
  if (rank != 1) return m;  // other: a matrix per row is no table column
  hsize_t n = 0;
  check(H5Tget_array_dims2(raw(type), &n), site, "H5Tget_array_dims2");
  Hid base = own(H5Tget_super(raw(type)), H5Tclose, site, "H5Tget_super");
  m.type = class_of(raw(base), site);
  m.is_unsigned = m.type == TypeClass::integer && H5Tget_sign(raw(base)) == H5T_SGN_NONE;
  m.array = true;
  m.elements = n;
  return m;
}
}  // namespace

bool File::is_dataset(const std::string& object_path) const {
  if (!exists(object_path)) return false;
  Hid o = open_object(*this, object_path);
  return H5Iget_type(raw(o)) == H5I_DATASET;
}

bool File::is_unsigned(const std::string& dataset_path) const {
  const Site site = at(*this, dataset_path);
  Hid ds = open_dataset(*this, dataset_path);
  Hid type = own(H5Dget_type(raw(ds)), H5Tclose, site, "H5Dget_type");
  return check(H5Tget_class(raw(type)), site, "H5Tget_class") == H5T_INTEGER && H5Tget_sign(raw(type)) == H5T_SGN_NONE;
}

std::vector<CompoundMember> File::compound_members(const std::string& dataset_path) const {
  const Site site = at(*this, dataset_path);
  Hid ds = open_dataset(*this, dataset_path);
  Hid type = own(H5Dget_type(raw(ds)), H5Tclose, site, "H5Dget_type");
  std::vector<CompoundMember> out;
  if (check(H5Tget_class(raw(type)), site, "H5Tget_class") != H5T_COMPOUND) return out;
  const int n = check(H5Tget_nmembers(raw(type)), site, "H5Tget_nmembers");
  for (int i = 0; i < n; ++i) out.push_back(describe_member(raw(type), static_cast<unsigned>(i), site));
  return out;
}

void File::create_dataset(const std::string& path, ColumnType type, const std::vector<std::uint64_t>& dims) const {
  create_dataset(path, predefined(stored_type(type)), dims);
}

void File::create_dataset(const std::string& path, const Hid& file_type, const std::vector<std::uint64_t>& dims) const {
  const auto slash = path.rfind('/');
  if (slash != std::string::npos && slash > 0) create_group(path.substr(0, slash));
  const Site site = at(*this, path);
  std::vector<hsize_t> d(dims.begin(), dims.end());
  Hid space = own(H5Screate_simple(static_cast<int>(d.size()), d.data(), nullptr), H5Sclose, site, "H5Screate_simple");
  Hid dcpl = own(H5Pcreate(H5P_DATASET_CREATE), H5Pclose, site, "H5Pcreate(dataset create)");
  // No modification times and no fill pass: the file's bytes depend only on its content, and
  // large columns are written once instead of twice.
  check(H5Pset_obj_track_times(raw(dcpl), 0), site, "H5Pset_obj_track_times");
  check(H5Pset_fill_time(raw(dcpl), H5D_FILL_TIME_NEVER), site, "H5Pset_fill_time");
  check(H5Pset_alloc_time(raw(dcpl), H5D_ALLOC_TIME_EARLY), site, "H5Pset_alloc_time");
  if (layout_.chunk_rows > 0 && !d.empty() && d[0] > 0) {
    // A fixed-size dataset's chunk may not exceed it; other axes are kept whole.
    std::vector<hsize_t> chunk(d);
    chunk[0] = std::min<hsize_t>(layout_.chunk_rows, d[0]);
    check(H5Pset_chunk(raw(dcpl), static_cast<int>(chunk.size()), chunk.data()), site, "H5Pset_chunk");
  }
  own(H5Dcreate2(raw(*this), path.c_str(), raw(file_type), raw(space), H5P_DEFAULT, raw(dcpl), H5P_DEFAULT), H5Dclose,
      site, "H5Dcreate2");
}

// ---- Raw-data transfers ----

namespace {

TransferStats g_transfer_stats;

bool is_numeric(hid_t type, const Site& site) {
  const H5T_class_t c = check(H5Tget_class(type), site, "H5Tget_class");
  return c == H5T_INTEGER || c == H5T_FLOAT;
}

// The rows a transfer touches, in the file and in memory. A rank with no rows still takes part
// in a collective transfer, selecting nothing.
struct RowSelection {
  Hid file_space;
  Hid mem_space;
  std::uint64_t elements = 0;
};

// `column` >= 0 selects one column of a 2-D dataset (a pandas "fixed" block), else whole rows.
RowSelection select_rows(const File& file, hid_t dataset, const RowBlock& block, const Site& site,
                         std::int64_t column = -1) {
  RowSelection s;
  s.file_space = own(H5Dget_space(dataset), H5Sclose, site, "H5Dget_space");
  const std::vector<std::uint64_t> full = extent(raw(s.file_space), site);
  std::vector<hsize_t> start(full.size(), 0), count(full.begin(), full.end());
  if (!full.empty()) {
    if (block.end() > full[0]) throw_input("rows past the end of " + site.object + " in " + file.path());
    start[0] = block.begin;
    count[0] = block.count;
  }
  if (column >= 0) {
    if (full.size() != 2 || static_cast<std::uint64_t>(column) >= full[1])
      throw_input(detail::describe(site) + ": no column " + std::to_string(column) + " in this dataset");
    start[1] = static_cast<hsize_t>(column);
    count[1] = 1;
  }
  s.elements = 1;
  for (auto c : count) s.elements = checked_product(s.elements, c, site);
  hsize_t mem_extent = s.elements;
  s.mem_space = own(H5Screate_simple(1, &mem_extent, nullptr), H5Sclose, site, "H5Screate_simple");
  if (s.elements == 0) {
    check(H5Sselect_none(raw(s.file_space)), site, "H5Sselect_none");
    check(H5Sselect_none(raw(s.mem_space)), site, "H5Sselect_none");
  } else if (!full.empty()) {
    check(H5Sselect_hyperslab(raw(s.file_space), H5S_SELECT_SET, start.data(), nullptr, count.data(), nullptr), site,
          "H5Sselect_hyperslab");
  }
  return s;
}

// Parallel HDF5 does a transfer that needs a type conversion (an int32 column read as double)
// independently, rank by rank. So on parallel files the bytes travel collectively in the file's
// own type and are converted here, in memory, with the same HDF5 conversion. Every rank takes
// the same branch, those with no rows too: one rank converting would be enough to make HDF5 drop
// collective I/O for all.
class InMemoryConversion {
 public:
  InMemoryConversion(hid_t dataset, hid_t mem_type, bool parallel, const Site& site) : mem_type_(mem_type), site_(site) {
    Hid file_type = own(H5Dget_type(dataset), H5Tclose, site, "H5Dget_type");
    stored_bytes_ = check_size(H5Tget_size(raw(file_type)), site, "H5Tget_size");
    stored_ = own(H5Tget_native_type(raw(file_type), H5T_DIR_ASCEND), H5Tclose, site, "H5Tget_native_type");
    if (check(H5Tget_class(raw(stored_)), site, "H5Tget_class") == H5T_ENUM && is_numeric(mem_type, site)) {
      // HDF5 converts an enum only to another enum: an h5py bool (enum FALSE=0/TRUE=1 over int8)
      // travels as stored and its integer values are converted here, serial files too.
      values_ = own(H5Tget_super(raw(stored_)), H5Tclose, site, "H5Tget_super");
      active_ = true;
      return;
    }
    active_ = parallel && is_numeric(raw(stored_), site) && is_numeric(mem_type, site) &&
              check(H5Tequal(raw(stored_), mem_type), site, "H5Tequal") == 0;
  }
  // The type the bytes travel in.
  [[nodiscard]] hid_t transfer_type() const { return active_ ? raw(stored_) : mem_type_; }
  // Bytes per element as stored in the file (for the transfer statistics).
  [[nodiscard]] std::size_t stored_bytes() const { return stored_bytes_; }

  // The buffer HDF5 transfers: the caller's, or a staging copy when converting a write or
  // reading into a narrower type; writes are converted into it here.
  void* prepare(void* data, std::uint64_t elements, bool write) {
    if (!active_ || elements == 0 || data == nullptr) return data;
    const std::size_t mem_size = check_size(H5Tget_size(mem_type_), site_, "H5Tget_size");
    const std::size_t stored_size = check_size(H5Tget_size(raw(stored_)), site_, "H5Tget_size");
    if (!write && stored_size <= mem_size) return data;  // converted in place after the read
    staging_.resize(checked_product(elements, std::max(mem_size, stored_size), site_));
    if (write) {
      std::memcpy(staging_.data(), data, static_cast<std::size_t>(elements) * mem_size);
      check(H5Tconvert(mem_type_, raw(stored_), elements, staging_.data(), nullptr, H5P_DEFAULT), site_, "H5Tconvert");
    }
    return staging_.data();
  }

  // After a read: the transferred bytes converted into the caller's buffer (HDF5 converts
  // overlapping buffers, so in place when the memory type is at least as wide).
  void finish_read(void* data, void* transferred, std::uint64_t elements) const {
    if (!active_ || elements == 0 || data == nullptr) return;
    const hid_t from = values_.valid() ? raw(values_) : raw(stored_);
    check(H5Tconvert(from, mem_type_, elements, transferred, nullptr, H5P_DEFAULT), site_, "H5Tconvert");
    if (transferred != data)
      std::memcpy(data, transferred, static_cast<std::size_t>(elements) * check_size(H5Tget_size(mem_type_), site_, "H5Tget_size"));
  }

 private:
  hid_t mem_type_;
  Site site_;
  Hid stored_;
  Hid values_;  // the integer type under an enum, whose values are converted
  std::size_t stored_bytes_ = 0;
  bool active_ = false;
  std::vector<unsigned char> staging_;
};

// After a parallel transfer: did HDF5 really do it collectively? (It falls back silently.)
void record_io_mode(hid_t dxpl, const Site& site) {
  H5D_mpio_actual_io_mode_t mode = H5D_MPIO_NO_COLLECTIVE;
  check(H5Pget_mpio_actual_io_mode(dxpl, &mode), site, "H5Pget_mpio_actual_io_mode");
  if (mode != H5D_MPIO_NO_COLLECTIVE) {
    ++g_transfer_stats.collective;
    return;
  }
  ++g_transfer_stats.independent;
  std::uint32_t local = 0, global = 0;
  check(H5Pget_mpio_no_collective_cause(dxpl, &local, &global), site, "H5Pget_mpio_no_collective_cause");
  g_transfer_stats.no_collective_causes |= local | global;
}

void record_transfer(bool write, std::uint64_t bytes, double seconds) {
  auto& stats = g_transfer_stats;
  if (write) {
    ++stats.writes;
    stats.write_bytes += bytes;
    stats.write_seconds += seconds;
  } else {
    ++stats.reads;
    stats.read_bytes += bytes;
    stats.read_seconds += seconds;
  }
}

}  // namespace

const TransferStats& transfer_stats() { return g_transfer_stats; }

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

void File::transfer_rows(const std::string& path, const RowBlock& block, ColumnType mem, void* data, bool write,
                         std::int64_t column) const {
  const Site site = at(*this, path);
  Hid ds = open_dataset(*this, path);
  RowSelection rows = select_rows(*this, raw(ds), block, site, column);
  Hid dxpl = own(H5Pcreate(H5P_DATASET_XFER), H5Pclose, site, "H5Pcreate(dataset transfer)");
  if (parallel()) check(H5Pset_dxpl_mpio(raw(dxpl), H5FD_MPIO_COLLECTIVE), site, "H5Pset_dxpl_mpio");
  // HDF5 wants a valid pointer even when nothing is selected.
  static double nothing = 0;
  void* buffer = (rows.elements == 0 || data == nullptr) ? &nothing : data;

  InMemoryConversion conversion(raw(ds), memory_type(mem), parallel(), site);
  void* transferred = conversion.prepare(buffer == &nothing ? nullptr : buffer, rows.elements, write);
  if (transferred == nullptr) transferred = buffer;
  const auto clock = std::chrono::steady_clock::now();
  if (write && comm_) {
    const herr_t rc =
        H5Dwrite(raw(ds), conversion.transfer_type(), raw(rows.mem_space), raw(rows.file_space), raw(dxpl), transferred);
    agree_on_write(rc < 0, rc < 0 ? path + ": H5Dwrite failed: " + detail::hdf5_error_stack() : path);
  } else if (write)
    check(H5Dwrite(raw(ds), conversion.transfer_type(), raw(rows.mem_space), raw(rows.file_space), raw(dxpl), transferred),
          site, "H5Dwrite");
  else
    check(H5Dread(raw(ds), conversion.transfer_type(), raw(rows.mem_space), raw(rows.file_space), raw(dxpl), transferred),
          site, "H5Dread");
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - clock).count();
  if (!write) conversion.finish_read(buffer == &nothing ? nullptr : buffer, transferred, rows.elements);
  record_transfer(write, rows.elements * conversion.stored_bytes(), seconds);
  if (parallel()) record_io_mode(raw(dxpl), site);
}

// ---- Columns inside other layouts (pandas) ----

namespace {
// A memory compound with the one member `name`: HDF5 reads just that member of each record,
// converting it to `element`, or to an array of `elements` of it when the stored member is an
// array (HDF5 converts arrays only to arrays of the same shape, even of one element).
Hid member_memory_type(const std::string& name, hid_t element, const CompoundMember& stored, const Site& site) {
  Hid member = predefined(element);
  std::size_t size = check_size(H5Tget_size(element), site, "H5Tget_size");
  if (stored.array) {
    const std::uint64_t elements = stored.elements;
    const hsize_t n = elements;
    member = own(H5Tarray_create2(element, 1, &n), H5Tclose, site, "H5Tarray_create2");
    size = checked_product(size, elements, site);
  }
  Hid compound = own(H5Tcreate(H5T_COMPOUND, size), H5Tclose, site, "H5Tcreate(compound)");
  check(H5Tinsert(raw(compound), name.c_str(), 0, raw(member)), site, "H5Tinsert");
  return compound;
}

CompoundMember find_member(const File& file, const ColumnLocation& column) {
  for (const auto& m : file.compound_members(column.dataset))
    if (m.name == column.member) return m;
  throw_input("no member " + column.member + " in " + column.dataset + " of " + file.path());
}
}  // namespace

void File::read_located(const ColumnLocation& column, const RowBlock& block, ColumnType mem, void* data) const {
  if (column.member.empty()) {
    transfer_rows(column.dataset, block, mem, data, false, column.index);
    return;
  }
  // One member of a compound: HDF5 converts while reading (independently on parallel files: a
  // "datatype conversion" fallback, reported like any other). An array member is read whole
  // and the wanted element picked here.
  const Site site = at(*this, column.dataset + " member " + column.member);
  const CompoundMember stored = find_member(*this, column);
  const std::uint64_t width = stored.elements;
  const std::uint64_t pick = column.index < 0 ? 0 : static_cast<std::uint64_t>(column.index);
  if (pick >= width) throw_input(detail::describe(site) + ": no element " + std::to_string(pick));
  Hid ds = open_dataset(*this, column.dataset);
  RowSelection rows = select_rows(*this, raw(ds), block, site);
  Hid dxpl = own(H5Pcreate(H5P_DATASET_XFER), H5Pclose, site, "H5Pcreate(dataset transfer)");
  if (parallel()) check(H5Pset_dxpl_mpio(raw(dxpl), H5FD_MPIO_COLLECTIVE), site, "H5Pset_dxpl_mpio");
  const std::size_t value_size = check_size(H5Tget_size(memory_type(mem)), site, "H5Tget_size");
  Hid type = member_memory_type(column.member, memory_type(mem), stored, site);
  std::vector<unsigned char> buffer(std::max<std::uint64_t>(1, checked_product(rows.elements, width * value_size, site)));
  const auto clock = std::chrono::steady_clock::now();
  check(H5Dread(raw(ds), raw(type), raw(rows.mem_space), raw(rows.file_space), raw(dxpl), buffer.data()), site, "H5Dread");
  record_transfer(false, rows.elements * width * value_size,
                  std::chrono::duration<double>(std::chrono::steady_clock::now() - clock).count());
  if (parallel()) record_io_mode(raw(dxpl), site);
  auto* out = static_cast<unsigned char*>(data);
  for (std::uint64_t i = 0; i < rows.elements; ++i)
    std::memcpy(out + i * value_size, buffer.data() + (i * width + pick) * value_size, value_size);
}

namespace {
// Strings of the selected rows into `out`, in the stored character set (see read_variable_strings).
std::vector<std::string> read_selected_strings(hid_t ds, hid_t file_type, const RowSelection& rows, const Site& site) {
  const H5T_cset_t cset = check(H5Tget_cset(file_type), site, "H5Tget_cset");
  const auto n = static_cast<std::size_t>(rows.elements);
  std::vector<std::string> out;
  if (check(H5Tis_variable_str(file_type), site, "H5Tis_variable_str") > 0) {
    Hid mem = own(H5Tcopy(H5T_C_S1), H5Tclose, site, "H5Tcopy");
    check(H5Tset_size(raw(mem), H5T_VARIABLE), site, "H5Tset_size");
    check(H5Tset_cset(raw(mem), cset), site, "H5Tset_cset");
    std::vector<char*> ptrs(std::max<std::size_t>(n, 1), nullptr);
    check(H5Dread(ds, raw(mem), raw(rows.mem_space), raw(rows.file_space), H5P_DEFAULT, ptrs.data()), site, "H5Dread(strings)");
    for (std::size_t i = 0; i < n; ++i) out.emplace_back(ptrs[i] ? ptrs[i] : "");
    if (n > 0) check(H5Dvlen_reclaim(raw(mem), raw(rows.mem_space), H5P_DEFAULT, ptrs.data()), site, "H5Dvlen_reclaim");
    return out;
  }
  const std::size_t width = check_size(H5Tget_size(file_type), site, "H5Tget_size");
  Hid mem = fixed_string_type(width, site);
  check(H5Tset_cset(raw(mem), cset), site, "H5Tset_cset");
  std::vector<char> buffer(std::max<std::uint64_t>(1, checked_product(n, width, site)));
  check(H5Dread(ds, raw(mem), raw(rows.mem_space), raw(rows.file_space), H5P_DEFAULT, buffer.data()), site, "H5Dread(strings)");
  for (std::size_t i = 0; i < n; ++i) out.emplace_back(&buffer[i * width], strnlen(&buffer[i * width], width));
  return out;
}

// A string member of a compound (pandas "table" text columns are fixed-length bytes in an array
// member of one element): read through a one-member compound of that string type.
std::vector<std::string> read_member_strings(hid_t ds, const ColumnLocation& column, const RowSelection& rows,
                                             const Site& site) {
  Hid file_type = own(H5Dget_type(ds), H5Tclose, site, "H5Dget_type");
  const int i = check(H5Tget_member_index(raw(file_type), column.member.c_str()), site, "H5Tget_member_index");
  Hid member = own(H5Tget_member_type(raw(file_type), static_cast<unsigned>(i)), H5Tclose, site, "H5Tget_member_type");
  const bool array = check(H5Tget_class(raw(member)), site, "H5Tget_class") == H5T_ARRAY;
  hsize_t count = 1;  // strings per row: several text columns share one values_block
  if (array) {
    if (check(H5Tget_array_ndims(raw(member)), site, "H5Tget_array_ndims") != 1)
      throw_input(detail::describe(site) + ": not a text column");
    check(H5Tget_array_dims2(raw(member), &count), site, "H5Tget_array_dims2");
    member = own(H5Tget_super(raw(member)), H5Tclose, site, "H5Tget_super");
  }
  const hsize_t pick = column.index < 0 ? 0 : static_cast<hsize_t>(column.index);
  if (pick >= count) throw_input(detail::describe(site) + ": no element " + std::to_string(pick));
  if (check(H5Tget_class(raw(member)), site, "H5Tget_class") != H5T_STRING ||
      check(H5Tis_variable_str(raw(member)), site, "H5Tis_variable_str") > 0)
    throw_input(detail::describe(site) + ": not a fixed-length string member");
  const std::size_t width = check_size(H5Tget_size(raw(member)), site, "H5Tget_size");
  Hid mem = fixed_string_type(width, site);
  check(H5Tset_cset(raw(mem), check(H5Tget_cset(raw(member)), site, "H5Tget_cset")), site, "H5Tset_cset");
  // The memory member has the stored shape (an array of one string stays an array of one).
  if (array) mem = own(H5Tarray_create2(raw(mem), 1, &count), H5Tclose, site, "H5Tarray_create2");
  const std::size_t record = static_cast<std::size_t>(checked_product(width, count, site));
  Hid compound = own(H5Tcreate(H5T_COMPOUND, record), H5Tclose, site, "H5Tcreate(compound)");
  check(H5Tinsert(raw(compound), column.member.c_str(), 0, raw(mem)), site, "H5Tinsert");
  const auto n = static_cast<std::size_t>(rows.elements);
  std::vector<char> buffer(std::max<std::uint64_t>(1, checked_product(n, record, site)));
  check(H5Dread(ds, raw(compound), raw(rows.mem_space), raw(rows.file_space), H5P_DEFAULT, buffer.data()), site, "H5Dread");
  std::vector<std::string> out;
  for (std::size_t r = 0; r < n; ++r) {
    const char* p = &buffer[r * record + static_cast<std::size_t>(pick) * width];
    out.emplace_back(p, strnlen(p, width));
  }
  return out;
}
}  // namespace

std::vector<std::string> File::read_string_rows(const ColumnLocation& column, const RowBlock& block) const {
  const Site site = at(*this, column.member.empty() ? column.dataset : column.dataset + " member " + column.member);
  Hid ds = open_dataset(*this, column.dataset);
  RowSelection rows = select_rows(*this, raw(ds), block, site);
  if (!column.member.empty()) return read_member_strings(raw(ds), column, rows, site);
  Hid type = own(H5Dget_type(raw(ds)), H5Tclose, site, "H5Dget_type");
  if (check(H5Tget_class(raw(type)), site, "H5Tget_class") != H5T_STRING)
    throw_input(detail::describe(site) + ": expected strings");
  return read_selected_strings(raw(ds), raw(type), rows, site);
}

// ---- Attributes and string datasets ----

namespace {
void write_attr(const File& file, const std::string& obj, const std::string& name, hid_t file_type, hid_t mem_type,
                hsize_t n, const void* data, bool scalar) {
  const Site site = at(file, obj + " attribute " + name);
  Hid o = open_object(file, obj);
  if (check(H5Aexists(raw(o), name.c_str()), site, "H5Aexists") > 0) check(H5Adelete(raw(o), name.c_str()), site, "H5Adelete");
  Hid space = own(scalar ? H5Screate(H5S_SCALAR) : H5Screate_simple(1, &n, nullptr), H5Sclose, site, "H5Screate");
  Hid attr = own(H5Acreate2(raw(o), name.c_str(), file_type, raw(space), H5P_DEFAULT, H5P_DEFAULT), H5Aclose, site,
                 "H5Acreate2");
  check(H5Awrite(raw(attr), mem_type, data), site, "H5Awrite");
}
}  // namespace

void File::write_attribute(const std::string& obj, const std::string& name, double value) const {
  write_attr(*this, obj, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 1, &value, true);
}
void File::write_attribute(const std::string& obj, const std::string& name, std::int64_t value) const {
  write_attr(*this, obj, name, H5T_STD_I64LE, H5T_NATIVE_INT64, 1, &value, true);
}
void File::write_attribute(const std::string& obj, const std::string& name, const std::string& value) const {
  Hid type = fixed_string_type(value.size(), at(*this, obj));
  std::vector<char> buffer = pack_fixed({value}, std::max<std::size_t>(value.size(), 1));
  write_attr(*this, obj, name, raw(type), raw(type), 1, buffer.data(), true);
}
void File::write_attribute(const std::string& obj, const std::string& name,
                           const std::vector<std::string>& values) const {
  const std::size_t width = longest(values);
  Hid type = fixed_string_type(width, at(*this, obj));
  std::vector<char> buffer = pack_fixed(values, width);
  write_attr(*this, obj, name, raw(type), raw(type), values.size(), buffer.data(), false);
}

bool File::has_attribute(const std::string& obj, const std::string& name) const {
  if (!exists(obj)) return false;
  Hid o = open_object(*this, obj);
  return check(H5Aexists(raw(o), name.c_str()), at(*this, obj + " attribute " + name), "H5Aexists") > 0;
}

std::vector<std::string> File::read_string_attribute(const std::string& obj, const std::string& name) const {
  const Site site = at(*this, obj + " attribute " + name);
  Hid o = open_object(*this, obj);
  Hid attr = own(H5Aopen(raw(o), name.c_str(), H5P_DEFAULT), H5Aclose, site, "H5Aopen");
  Hid type = own(H5Aget_type(raw(attr)), H5Tclose, site, "H5Aget_type");
  Hid space = own(H5Aget_space(raw(attr)), H5Sclose, site, "H5Aget_space");
  return read_string_values(
      *this, raw(type), raw(space), [&](hid_t mem, void* buf) { check(H5Aread(raw(attr), mem, buf), site, "H5Aread"); },
      site);
}

double File::read_double_attribute(const std::string& obj, const std::string& name) const {
  const Site site = at(*this, obj + " attribute " + name);
  Hid o = open_object(*this, obj);
  Hid attr = own(H5Aopen(raw(o), name.c_str(), H5P_DEFAULT), H5Aclose, site, "H5Aopen");
  double value = 0;
  check(H5Aread(raw(attr), H5T_NATIVE_DOUBLE, &value), site, "H5Aread");
  return value;
}

void File::write_strings(const std::string& path, const std::vector<std::string>& values) const {
  const Site site = at(*this, path);
  const std::size_t width = longest(values);
  Hid type = fixed_string_type(width, site);
  create_dataset(path, type, {values.size()});
  Hid ds = open_dataset(*this, path);
  std::vector<char> buffer = pack_fixed(values, width);
  if (!values.empty())
    check(H5Dwrite(raw(ds), raw(type), H5S_ALL, H5S_ALL, H5P_DEFAULT, buffer.data()), site, "H5Dwrite(strings)");
}

std::vector<std::string> File::read_strings(const std::string& path) const {
  const Site site = at(*this, path);
  Hid ds = open_dataset(*this, path);
  Hid type = own(H5Dget_type(raw(ds)), H5Tclose, site, "H5Dget_type");
  Hid space = own(H5Dget_space(raw(ds)), H5Sclose, site, "H5Dget_space");
  return read_string_values(
      *this, raw(type), raw(space),
      [&](hid_t mem, void* buf) { check(H5Dread(raw(ds), mem, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf), site, "H5Dread(strings)"); },
      site);
}

// ---- Variable-length string datasets (serial files) ----

namespace {
Hid utf8_vlen_type(const Site& site) {
  Hid type = own(H5Tcopy(H5T_C_S1), H5Tclose, site, "H5Tcopy");
  check(H5Tset_size(raw(type), H5T_VARIABLE), site, "H5Tset_size");
  check(H5Tset_cset(raw(type), H5T_CSET_UTF8), site, "H5Tset_cset");
  return type;
}
}  // namespace

void File::create_vlen_string_dataset(const std::string& path, std::uint64_t rows) const {
  // Not through create_dataset: HDF5 refuses "never fill" for variable-length types (an unwritten
  // element must read as an empty string, not as a dangling heap reference).
  const auto slash = path.rfind('/');
  if (slash != std::string::npos && slash > 0) create_group(path.substr(0, slash));
  const Site site = at(*this, path);
  const hsize_t n = rows;
  Hid space = own(H5Screate_simple(1, &n, nullptr), H5Sclose, site, "H5Screate_simple");
  Hid dcpl = own(H5Pcreate(H5P_DATASET_CREATE), H5Pclose, site, "H5Pcreate(dataset create)");
  check(H5Pset_obj_track_times(raw(dcpl), 0), site, "H5Pset_obj_track_times");
  Hid type = utf8_vlen_type(site);
  own(H5Dcreate2(raw(*this), path.c_str(), raw(type), raw(space), H5P_DEFAULT, raw(dcpl), H5P_DEFAULT), H5Dclose, site,
      "H5Dcreate2");
}

void File::write_vlen_string_rows(const std::string& path, std::uint64_t begin, const std::vector<std::string>& values) const {
  const Site site = at(*this, path);
  if (values.empty()) return;
  Hid ds = open_dataset(*this, path);
  RowSelection rows = select_rows(*this, raw(ds), RowBlock{begin, values.size()}, site);
  std::vector<const char*> ptrs;
  ptrs.reserve(values.size());
  for (const auto& v : values) ptrs.push_back(v.c_str());
  Hid type = utf8_vlen_type(site);
  check(H5Dwrite(raw(ds), raw(type), raw(rows.mem_space), raw(rows.file_space), H5P_DEFAULT, ptrs.data()), site,
        "H5Dwrite(strings)");
}

}  // namespace custseg::io
