// libFuzzer target: a mutated small HDF5 file opened from memory (HDF5's core driver with a file
// image, so nothing touches the disk) and checked by custseg's own input validator,
// io::validate_table_file (src/io/hdf5_validate.cpp): the walk every job runs in a child process
// before it opens an input (groups, datasets, attributes, types, shapes, chunk indices, string
// heaps, and io::inspect_table plus a few rows of every column of the "customers" table).
//
// Crashes inside libhdf5 itself are expected (HDF5 trusts its metadata; that is why the jobs run
// the validator in a child process); scripts/ci-fuzz.sh keeps them as regression inputs and does
// not fail on them. Any crash or sanitizer report in the validator's own code is ours.
#include <hdf5.h>

#include <cstdint>
#include <vector>

#include "custseg/io/hdf5_validate.hpp"

namespace {

struct Hid {
  hid_t id;
  herr_t (*close)(hid_t);
  Hid(hid_t i, herr_t (*c)(hid_t)) : id(i), close(c) {}
  ~Hid() {
    if (id >= 0) close(id);
  }
  Hid(const Hid&) = delete;
  Hid& operator=(const Hid&) = delete;
  explicit operator bool() const { return id >= 0; }
};

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);  // failures are expected; HDF5's stack dump is noise
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const Hid fapl(H5Pcreate(H5P_FILE_ACCESS), H5Pclose);
  // The core driver serves the image from memory; backing_store=0: never write it anywhere.
  if (H5Pset_fapl_core(fapl.id, 1 << 16, 0) < 0) return 0;
  std::vector<std::uint8_t> image(data, data + size);  // HDF5 may keep the buffer while the file is open
  if (H5Pset_file_image(fapl.id, image.data(), image.size()) < 0) return 0;
  const Hid file(H5Fopen("fuzz.h5", H5F_ACC_RDONLY, fapl.id), H5Fclose);
  if (!file) return 0;
  // The key every generated and ingested table uses; the seeds are such tables.
  (void)custseg::io::validate_table_file(file.id, "customers", "fuzz.h5");
  return 0;
}
