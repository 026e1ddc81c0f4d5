#pragma once
// The raw HDF5 side of io::Hid and io::File, kept out of the public header: for io's own sources
// and for tests that inspect a file with the C API. Not part of custseg's interface.
#include <hdf5.h>

#include <cstdint>
#include <type_traits>

#include "custseg/io/hdf5.hpp"

namespace custseg::io::detail {

// io::Hid stores the identifier and its closer in these types without naming HDF5's.
static_assert(std::is_same_v<hid_t, std::int64_t>, "io::Hid assumes hid_t is int64_t (HDF5 >= 1.10)");
static_assert(std::is_same_v<herr_t, int>, "io::Hid assumes herr_t is int");

struct HidAccess {
  // Takes ownership of a valid identifier; callers check it first (src/io/hdf5_call.hpp own()).
  static Hid adopt(hid_t id, herr_t (*closer)(hid_t)) { return Hid(id, closer); }
  static hid_t get(const Hid& handle) { return handle.id_; }
};

inline hid_t raw(const Hid& handle) { return HidAccess::get(handle); }
inline hid_t raw(const File& file) { return raw(file.handle()); }

}  // namespace custseg::io::detail
