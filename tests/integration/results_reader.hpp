#pragma once
// Reads results.h5 and input tables back for CLI tests (serial HDF5, no MPI needed).
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "custseg/io/detail/hdf5_handle.hpp"  // tests may inspect files with the C API
#include "custseg/io/hdf5.hpp"

namespace custseg::testing {

template <class T>
std::vector<T> read_dataset(const std::string& file, const std::string& path) {
  return io::File::open_serial(file, false).read_all<T>(path);
}

inline double read_attr(const std::string& file, const std::string& obj, const std::string& name) {
  return io::File::open_serial(file, false).read_double_attribute(obj, name);
}

// Adjusted Rand index (Hubert & Arabie 1985) between two labelings of the same rows.
inline double adjusted_rand_index(const std::vector<std::int32_t>& a, const std::vector<std::int32_t>& b) {
  std::map<std::pair<int, int>, double> joint;
  std::map<int, double> ra, rb;
  for (std::size_t i = 0; i < a.size(); ++i) {
    joint[{a[i], b[i]}] += 1;
    ra[a[i]] += 1;
    rb[b[i]] += 1;
  }
  auto c2 = [](double x) { return x * (x - 1) / 2; };
  double sum_joint = 0, sum_a = 0, sum_b = 0;
  for (auto& [key, v] : joint) sum_joint += c2(v);
  for (auto& [key, v] : ra) sum_a += c2(v);
  for (auto& [key, v] : rb) sum_b += c2(v);
  const double expected = sum_a * sum_b / c2(static_cast<double>(a.size()));
  const double max_index = (sum_a + sum_b) / 2;
  return (sum_joint - expected) / (max_index - expected);
}

}  // namespace custseg::testing
