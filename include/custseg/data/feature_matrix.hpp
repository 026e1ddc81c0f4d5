#pragma once
// This rank's rows of the selected features, row-major, plus where each row sits globally.
#include <cstdint>
#include <string>
#include <vector>

namespace custseg::data {

struct FeatureMatrix {
  std::size_t rows = 0;
  std::size_t dims = 0;
  std::vector<double> values;             // rows * dims, row-major
  std::uint64_t global_begin = 0;          // global index of local row 0 when no row was dropped
  std::vector<std::uint64_t> global_rows;  // explicit global indices, only once rows were dropped

  [[nodiscard]] const double* row(std::size_t i) const { return values.data() + i * dims; }
  [[nodiscard]] double* row(std::size_t i) { return values.data() + i * dims; }
  // Global row index: the key for every random choice about this row (DESIGN.md).
  [[nodiscard]] std::uint64_t global_row(std::size_t i) const {
    return global_rows.empty() ? global_begin + i : global_rows[i];
  }
};

}  // namespace custseg::data
