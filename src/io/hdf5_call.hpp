#pragma once
// Checked HDF5 calls (HighFive's h5*_wrapper.hpp style): each wraps one C call's result and throws
// Hdf5Error naming the call, the object and the file, with HDF5's error stack, if it failed.
// Private to src/io.
#include <cstddef>
#include <string>
#include <type_traits>

#include "custseg/io/detail/hdf5_handle.hpp"
#include "custseg/util/error.hpp"

namespace custseg::io::detail {

// Where a call happens: the file, the object in it (may be empty), and the exit code of a failure.
struct Site {
  std::string file;
  std::string object;
  ExitCode code = ExitCode::internal;
};

// HDF5's error stack of this thread, innermost call last, as one line; clears it.
std::string hdf5_error_stack();

// Turns off HDF5's automatic printing of its error stack (HDF5-DIAG on stderr): errors reach the
// user once, through the exception, from one rank.
void quiet_hdf5_errors();

// "cannot read FILE (object OBJ)": the start of every message about `site`.
std::string describe(const Site& site);

[[noreturn]] void fail(const Site& site, const char* call);

// Any signed result (herr_t, htri_t, ssize_t, hssize_t, int, H5T_class_t) is an error when negative.
template <class R>
R check(R result, const Site& site, const char* call) {
  static_assert(std::is_signed_v<R> || std::is_enum_v<R>, "only signed results carry an error");
  if (static_cast<long long>(result) < 0) fail(site, call);
  return result;
}

// H5Tget_size and friends: 0 is the error value.
inline std::size_t check_size(std::size_t result, const Site& site, const char* call) {
  if (result == 0) fail(site, call);
  return result;
}

// Owns a new identifier, or throws if the call that made it failed.
inline Hid own(hid_t id, herr_t (*closer)(hid_t), const Site& site, const char* call) {
  if (id < 0) fail(site, call);
  return HidAccess::adopt(id, closer);
}

}  // namespace custseg::io::detail
