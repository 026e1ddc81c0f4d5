#pragma once
// The columnar customer table (DESIGN.md, "Data on disk"): /customers/<column>, 1-D, equal length.
#include <cstdint>
#include <string>
#include <vector>

#include "custseg/data/feature_matrix.hpp"
#include "custseg/io/hdf5.hpp"

namespace custseg::io {

inline constexpr const char* kCustomersGroup = "/customers";

struct TableInfo {
  std::uint64_t rows = 0;
  std::vector<std::string> columns;  // in file order
};

// Checks that /customers exists and all its columns are 1-D numeric of one length; input
// errors name the offending column.
TableInfo inspect_table(const File& file);

std::string column_path(const std::string& name);

// This rank's block of one column, converted to double. Collective.
std::vector<double> read_column(const File& file, const std::string& name, const RowBlock& block);

// This rank's block of the named columns as a row-major matrix. Collective.
data::FeatureMatrix read_features(const File& file, const std::vector<std::string>& names, const RowBlock& block);

// Labels of an integer-coded categorical column (its "categories" attribute), or empty.
std::vector<std::string> column_categories(const File& file, const std::string& name);

}  // namespace custseg::io
