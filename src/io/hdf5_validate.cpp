// The walk behind io::validate_table_file (custseg/io/hdf5_validate.hpp): every object a job reads,
// with the C API directly, each call checked. MPI-free: the child process and the fuzz target run it.
#include "custseg/io/hdf5_validate.hpp"

#include <algorithm>
#include <limits>
#include <vector>

#include "custseg/io/customer_table.hpp"
#include "hdf5_call.hpp"

namespace custseg::io {

namespace {

struct Corrupt {
  std::string object, reason;
};

// Far beyond anything custseg writes or reads, far below what a corrupt size field can claim.
constexpr hsize_t kMaxLinks = 1'000'000;
constexpr int kMaxDepth = 32;
constexpr std::uint64_t kMaxSampleBytes = 64ULL << 20;
// Variable-length strings live in global heaps spread over the file: read them all (in batches)
// up to this many rows, so a damaged heap of an id column is found here and not by a rank of the
// job. Beyond, the first and last rows are read (docs/input-errors.md says so).
constexpr hsize_t kFullReadRows = 65536;
constexpr hsize_t kBatchRows = 4096;
constexpr hsize_t kSampleRows = 32;
// H5Dget_chunk_info finds entry i by walking the index from its start (quadratic in all): 1,024
// entries of each of 9 columns take about 0.15 s; beyond, the rest go unchecked.
constexpr hsize_t kMaxCheckedChunks = 1024;

// HDF5's stack, outermost call first, can run to a dozen entries: the first says what was asked,
// the last two what was wrong.
std::string short_stack(const std::string& stack) {
  std::vector<std::size_t> cuts;
  for (std::size_t at = stack.find("; "); at != std::string::npos; at = stack.find("; ", at + 2)) cuts.push_back(at);
  if (cuts.size() < 3) return stack;
  return stack.substr(0, cuts.front()) + "; ...; " + stack.substr(cuts[cuts.size() - 2] + 2);
}

// Owns one identifier for the walk (the job's io::Hid needs a File to name the site).
class Id {
 public:
  Id(hid_t id, herr_t (*closer)(hid_t)) : id_(id), closer_(closer) {}
  ~Id() {
    if (id_ >= 0) closer_(id_);
  }
  Id(const Id&) = delete;
  Id& operator=(const Id&) = delete;
  operator hid_t() const { return id_; }  // NOLINT: a handle used as the C API's hid_t

 private:
  hid_t id_;
  herr_t (*closer_)(hid_t);
};

class Walker {
 public:
  Walker(hid_t file, std::string path, ValidationProgress progress)
      : file_(file), path_(std::move(path)), progress_(progress) {
    hsize_t size = 0;
    file_size_ = H5Fget_filesize(file, &size) >= 0 ? size : std::numeric_limits<std::uint64_t>::max();
    H5Eclear2(H5E_DEFAULT);
  }

  void enter(const std::string& object) {
    current_ = object;
    if (progress_) progress_(object);
  }

  [[noreturn]] void fail(const std::string& what) const { throw Corrupt{current_, what}; }

  template <class R>
  R ok(R result, const char* call) const {
    if (static_cast<long long>(result) < 0) {
      const std::string stack = short_stack(detail::hdf5_error_stack());
      fail(std::string(call) + " failed" + (stack.empty() ? "" : ": " + stack));
    }
    return result;
  }

  Id open(hid_t id, herr_t (*closer)(hid_t), const char* call) const { return Id(ok(id, call), closer); }

  void group(const std::string& path, const std::string& key, int depth);
  void object(hid_t parent, const std::string& parent_path, const std::string& name, const std::string& key, int depth);
  void attributes(hid_t object);
  void attribute(hid_t object, hsize_t i);
  void dataset(hid_t dataset);
  void chunks(hid_t dataset, hid_t dcpl, hid_t type, const std::vector<hsize_t>& dims);
  void read_rows(hid_t dataset, hid_t mem_type, const std::vector<hsize_t>& dims, hsize_t begin, hsize_t count);
  void table(const std::string& key);

 private:
  std::uint64_t plausible_bytes(std::uint64_t elements, std::uint64_t element_bytes) const {
    if (element_bytes != 0 && elements > std::numeric_limits<std::uint64_t>::max() / element_bytes)
      fail("size overflows 64 bits");
    return elements * element_bytes;
  }

  hid_t file_;
  std::string path_;
  ValidationProgress progress_;
  std::uint64_t file_size_;
  std::string current_ = "/";
};

std::string child_path(const std::string& parent, const std::string& name) {
  return parent == "/" ? "/" + name : parent + "/" + name;
}

// Whether `path` lies on the way to (or inside) the table group `key` ("" = the whole file).
bool on_key_path(const std::string& path, const std::string& key) {
  if (key.empty()) return true;
  // Compared with a trailing slash, so that /cust is not taken for part of /customers.
  const std::string group = "/" + key + "/", here = path == "/" ? path : path + "/";
  return group.compare(0, here.size(), here) == 0 || here.compare(0, group.size(), group) == 0;
}

void Walker::group(const std::string& path, const std::string& key, int depth) {
  enter(path);
  if (depth > kMaxDepth) fail("groups nested more than " + std::to_string(kMaxDepth) + " deep (a link cycle?)");
  Id group(open(H5Gopen2(file_, path.c_str(), H5P_DEFAULT), H5Gclose, "H5Gopen2"));
  attributes(group);
  H5G_info_t info{};
  ok(H5Gget_info(group, &info), "H5Gget_info");
  if (info.nlinks > kMaxLinks) fail("claims " + std::to_string(info.nlinks) + " links");
  for (hsize_t i = 0; i < info.nlinks; ++i) {
    enter(path);
    const ssize_t length = ok(H5Lget_name_by_idx(group, ".", H5_INDEX_NAME, H5_ITER_INC, i, nullptr, 0, H5P_DEFAULT),
                              "H5Lget_name_by_idx");
    if (length > 64 * 1024) fail("a link name of " + std::to_string(length) + " bytes");
    std::string name(static_cast<std::size_t>(length), '\0');
    ok(H5Lget_name_by_idx(group, ".", H5_INDEX_NAME, H5_ITER_INC, i, name.data(), name.size() + 1, H5P_DEFAULT),
       "H5Lget_name_by_idx");
    object(group, path, name, key, depth);
  }
}

void Walker::object(hid_t parent, const std::string& parent_path, const std::string& name, const std::string& key,
                    int depth) {
  const std::string path = child_path(parent_path, name);
  enter(path);
  H5L_info_t link{};
  ok(H5Lget_info(parent, name.c_str(), &link, H5P_DEFAULT), "H5Lget_info");
  if (link.type != H5L_TYPE_HARD) return;  // soft and external links: followed when opened by a path in the table
  // Outside the table group only the header and attributes are read (the jobs list pandas keys there).
  const bool inside = on_key_path(path, key);
  Id object(open(H5Oopen(parent, name.c_str(), H5P_DEFAULT), H5Oclose, "H5Oopen"));
  const H5I_type_t type = ok(H5Iget_type(object), "H5Iget_type");
  if (type == H5I_GROUP && inside) return group(path, key, depth + 1);
  attributes(object);
  if (type == H5I_DATASET && inside) dataset(object);
}

void Walker::attributes(hid_t object) {
  H5O_info_t info{};
  ok(H5Oget_info2(object, &info, H5O_INFO_NUM_ATTRS), "H5Oget_info2");
  if (info.num_attrs > kMaxLinks) fail("claims " + std::to_string(info.num_attrs) + " attributes");
  for (hsize_t i = 0; i < info.num_attrs; ++i) attribute(object, i);
}

void Walker::attribute(hid_t object, hsize_t i) {
  Id attr(open(H5Aopen_by_idx(object, ".", H5_INDEX_NAME, H5_ITER_INC, i, H5P_DEFAULT, H5P_DEFAULT), H5Aclose,
               "H5Aopen_by_idx"));
  Id type(open(H5Aget_type(attr), H5Tclose, "H5Aget_type"));
  Id space(open(H5Aget_space(attr), H5Sclose, "H5Aget_space"));
  const auto n = static_cast<std::uint64_t>(ok(H5Sget_simple_extent_npoints(space), "H5Sget_simple_extent_npoints"));
  const hid_t native = H5Tget_native_type(type, H5T_DIR_ASCEND);
  if (native < 0) {  // a type with no native form (a reference, say): nothing the jobs read
    H5Eclear2(H5E_DEFAULT);
    return;
  }
  Id mem(native, H5Tclose);
  const std::uint64_t bytes = plausible_bytes(n, H5Tget_size(mem));
  if (bytes > kMaxSampleBytes || bytes > file_size_)
    fail("an attribute claims " + std::to_string(bytes) + " bytes in a file of " + std::to_string(file_size_));
  std::vector<unsigned char> buffer(std::max<std::uint64_t>(bytes, 1));
  ok(H5Aread(attr, mem, buffer.data()), "H5Aread");
  ok(H5Dvlen_reclaim(mem, space, H5P_DEFAULT, buffer.data()), "H5Dvlen_reclaim");
}

void Walker::dataset(hid_t dataset) {
  Id type(open(H5Dget_type(dataset), H5Tclose, "H5Dget_type"));
  Id space(open(H5Dget_space(dataset), H5Sclose, "H5Dget_space"));
  Id dcpl(open(H5Dget_create_plist(dataset), H5Pclose, "H5Dget_create_plist"));
  ok(H5Pget_layout(dcpl), "H5Pget_layout");
  const int filters = ok(H5Pget_nfilters(dcpl), "H5Pget_nfilters");
  if (filters > 32) fail("claims " + std::to_string(filters) + " filters");
  const int rank = ok(H5Sget_simple_extent_ndims(space), "H5Sget_simple_extent_ndims");
  if (rank > H5S_MAX_RANK) fail(std::to_string(rank) + " dimensions");
  std::vector<hsize_t> dims(static_cast<std::size_t>(rank));
  ok(H5Sget_simple_extent_dims(space, dims.data(), nullptr), "H5Sget_simple_extent_dims");
  if (ok(H5Pget_layout(dcpl), "H5Pget_layout") == H5D_CHUNKED) chunks(dataset, dcpl, type, dims);
  const hid_t native = H5Tget_native_type(type, H5T_DIR_ASCEND);
  if (native < 0) {
    H5Eclear2(H5E_DEFAULT);
    return;
  }
  Id mem(native, H5Tclose);
  const hsize_t rows = dims.empty() ? 1 : dims[0];
  const bool heap = H5Tdetect_class(mem, H5T_VLEN) > 0 || H5Tis_variable_str(mem) > 0 ||
                    (H5Tget_class(mem) == H5T_COMPOUND && H5Tdetect_class(mem, H5T_STRING) > 0);
  H5Eclear2(H5E_DEFAULT);
  if (rows <= 2 * kSampleRows || (heap && rows <= kFullReadRows)) {
    for (hsize_t begin = 0; begin < rows; begin += kBatchRows)
      read_rows(dataset, mem, dims, begin, std::min(kBatchRows, rows - begin));
    return;
  }
  read_rows(dataset, mem, dims, 0, kSampleRows);
  read_rows(dataset, mem, dims, rows - kSampleRows, kSampleRows);
}

// The chunk index (a B-tree): a serial read of a chunk it cannot find returns fill values, while
// the parallel read of the jobs fails on some ranks only; so every entry is checked against the
// file (address and size inside it, offsets on the chunk grid, unfiltered chunks of their size).
void Walker::chunks(hid_t dataset, hid_t dcpl, hid_t type, const std::vector<hsize_t>& dims) {
  std::vector<hsize_t> chunk(dims.size() + 1);
  const int chunk_rank = ok(H5Pget_chunk(dcpl, static_cast<int>(chunk.size()), chunk.data()), "H5Pget_chunk");
  if (chunk_rank != static_cast<int>(dims.size())) fail("chunks of " + std::to_string(chunk_rank) + " dimensions");
  std::uint64_t chunk_bytes = H5Tget_size(type);
  for (std::size_t d = 0; d < dims.size(); ++d) {
    if (chunk[d] == 0) fail("a chunk dimension of 0");
    chunk_bytes = plausible_bytes(chunk_bytes, chunk[d]);
  }
  const bool filtered = ok(H5Pget_nfilters(dcpl), "H5Pget_nfilters") > 0;
  Id space(open(H5Dget_space(dataset), H5Sclose, "H5Dget_space"));
  hsize_t count = 0;
  ok(H5Dget_num_chunks(dataset, space, &count), "H5Dget_num_chunks");
  // H5Dget_chunk_info searches the index from the start each time: bounded, as documented.
  for (hsize_t i = 0; i < std::min<hsize_t>(count, kMaxCheckedChunks); ++i) {
    std::vector<hsize_t> offset(dims.size());
    unsigned mask = 0;
    haddr_t address = 0;
    hsize_t size = 0;
    ok(H5Dget_chunk_info(dataset, space, i, offset.data(), &mask, &address, &size), "H5Dget_chunk_info");
    if (address == HADDR_UNDEF || address > file_size_ || size > file_size_ - address)
      fail("chunk " + std::to_string(i) + " lies outside the file");
    if (!filtered && size != chunk_bytes)
      fail("chunk " + std::to_string(i) + " holds " + std::to_string(size) + " bytes, not " + std::to_string(chunk_bytes));
    for (std::size_t d = 0; d < dims.size(); ++d)
      if (offset[d] % chunk[d] != 0 || offset[d] >= std::max<hsize_t>(dims[d], 1))
        fail("chunk " + std::to_string(i) + " has an offset off the chunk grid");
  }
}

void Walker::read_rows(hid_t dataset, hid_t mem_type, const std::vector<hsize_t>& dims, hsize_t begin, hsize_t count) {
  std::uint64_t elements = dims.empty() ? 1 : count;
  for (std::size_t d = 1; d < dims.size(); ++d) elements = plausible_bytes(elements, dims[d]);
  const std::uint64_t bytes = plausible_bytes(elements, H5Tget_size(mem_type));
  if (bytes > kMaxSampleBytes) return;  // rows this wide are no table; the jobs refuse them by shape
  if (elements == 0) return;
  Id file_space(open(H5Dget_space(dataset), H5Sclose, "H5Dget_space"));
  if (!dims.empty()) {
    std::vector<hsize_t> start(dims.size(), 0), counts(dims);
    start[0] = begin;
    counts[0] = count;
    ok(H5Sselect_hyperslab(file_space, H5S_SELECT_SET, start.data(), nullptr, counts.data(), nullptr),
       "H5Sselect_hyperslab");
  }
  const hsize_t mem_extent = elements;
  Id mem_space(open(H5Screate_simple(1, &mem_extent, nullptr), H5Sclose, "H5Screate_simple"));
  std::vector<unsigned char> buffer(bytes);
  ok(H5Dread(dataset, mem_type, mem_space, file_space, H5P_DEFAULT, buffer.data()), "H5Dread");
  ok(H5Dvlen_reclaim(mem_type, mem_space, H5P_DEFAULT, buffer.data()), "H5Dvlen_reclaim");
}

// The table the way the jobs read it: io::inspect_table (pandas attributes, block items, compound
// members, categories) and a few rows of every column through io::File. Its input errors that are
// not HDF5 failures (no such group, a text column, ...) are the job's to report.
void Walker::table(const std::string& key) {
  enter("/" + key);
  const File file = File::borrow_for_reading(file_, path_);
  try {
    const TableInfo t = inspect_table(file, key, "customer_id");
    for (const ColumnInfo& c : t.details) {
      if (c.kind == ColumnKind::unreadable || c.rows == 0) continue;
      enter(c.where.dataset + (c.where.member.empty() ? "" : "." + c.where.member));
      const RowBlock head{0, std::min<std::uint64_t>(c.rows, kSampleRows)};
      if (c.kind == ColumnKind::text) {
        (void)file.read_string_rows(c.where, head);
      } else {
        std::vector<double> values(head.count);
        file.read_column_rows<double>(c.where, head, values);
      }
      (void)column_categories(file, t, c.name);
    }
  } catch (const Hdf5Error& e) {
    // "cannot read FILE (object OBJ): HDF5 H5Dread failed: ..." without what the caller says anyway.
    const std::string text = e.what();
    const auto cut = text.find("): ");
    fail(short_stack(cut == std::string::npos ? text : text.substr(cut + 3)));
  } catch (const Error&) {
    // Not corruption: the job reports it with its own message.
  }
}

std::string normalized_key(const std::string& key) {
  const auto first = key.find_first_not_of('/');
  return first == std::string::npos ? std::string() : key.substr(first);
}

}  // namespace

Hdf5Validation validate_table_file(hid_t file, const std::string& key, const std::string& path,
                                   ValidationProgress progress) {
  const std::string table = normalized_key(key);
  Walker walker(file, path, progress);
  try {
    walker.group("/", table, 0);
    if (!table.empty()) walker.table(table);
  } catch (const Corrupt& c) {
    return {false, c.object, c.reason};
  } catch (const std::exception& e) {  // a size HDF5 reported that no allocation can meet
    return {false, "/", e.what()};
  }
  return {};
}

Hdf5Validation validate_table_path(const std::string& path, const std::string& key, ValidationProgress progress) {
  detail::quiet_hdf5_errors();
  // Not HDF5 at all (a text file): the jobs say so themselves, in their own words.
  if (H5Fis_hdf5(path.c_str()) <= 0) {
    H5Eclear2(H5E_DEFAULT);
    return {};
  }
  const hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
  H5Pset_fapl_sec2(fapl);
  const hid_t file = H5Fopen(path.c_str(), H5F_ACC_RDONLY, fapl);
  const std::string stack = file < 0 ? short_stack(detail::hdf5_error_stack()) : std::string();
  H5Pclose(fapl);
  if (file < 0) return {false, "/", "H5Fopen failed: " + stack};
  Hdf5Validation result = validate_table_file(file, key, path, progress);
  if (H5Fclose(file) < 0 && result.ok) return {false, "/", "H5Fclose failed: " + detail::hdf5_error_stack()};
  return result;
}

}  // namespace custseg::io
