#pragma once
// This rank's rows of the selected features, row-major, plus where each row sits globally.
//
// Two storages: `values` (float64) is where reading, transforming and standardizing happen;
// k-means then runs on float32 by default (`store_as(Precision::float32)` moves the rows into
// `values32` and frees the doubles), which halves the bytes every Lloyd pass has to stream.
// Exactly one of the two holds the rows once preparation is done.
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace custseg::data {

enum class Precision { float32, float64 };

inline const char* to_string(Precision p) { return p == Precision::float32 ? "float32" : "float64"; }

struct FeatureMatrix {
  std::size_t rows = 0;
  std::size_t dims = 0;
  std::vector<double> values;             // rows * dims, row-major (float64 storage, and staging)
  std::vector<float> values32;            // rows * dims, row-major (float32 storage)
  Precision precision = Precision::float64;
  std::uint64_t global_begin = 0;          // global index of local row 0 when no row was dropped
  std::vector<std::uint64_t> global_rows;  // explicit global indices, only once rows were dropped

  // float64 storage only (preparation works on doubles).
  [[nodiscard]] const double* row(std::size_t i) const { return values.data() + i * dims; }
  [[nodiscard]] double* row(std::size_t i) { return values.data() + i * dims; }
  // Global row index: the key for every random choice about this row (DESIGN.md).
  [[nodiscard]] std::uint64_t global_row(std::size_t i) const {
    return global_rows.empty() ? global_begin + i : global_rows[i];
  }

  // Row-major rows in the storage type T (float for float32, double for float64).
  template <class T>
  [[nodiscard]] const T* data() const {
    if constexpr (sizeof(T) == sizeof(float)) return values32.data();
    else return values.data();
  }
  [[nodiscard]] std::size_t bytes() const { return values.size() * sizeof(double) + values32.size() * sizeof(float); }

  // Moves the rows into the requested storage; the other one is released (not just cleared) so
  // the process never holds both copies after preparation.
  void store_as(Precision target) {
    if (target == precision) return;
    if (target == Precision::float32) {
      values32.assign(values.begin(), values.end());  // round to nearest, once per value
      std::vector<double>().swap(values);
    } else {
      values.assign(values32.begin(), values32.end());  // exact
      std::vector<float>().swap(values32);
    }
    precision = target;
  }
};

// Calls f(const T* rows) with T = float or double according to the matrix's storage.
template <class F>
decltype(auto) visit_rows(const FeatureMatrix& x, F&& f) {
  if (x.precision == Precision::float32) return f(x.data<float>());
  return f(x.data<double>());
}

}  // namespace custseg::data
