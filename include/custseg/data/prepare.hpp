#pragma once
// From the customer table to the k-means input: select features, read this rank's block,
// transform, validate (NaN/Inf policy) and standardize with statistics taken across all ranks.
#include <cstdint>
#include <string>
#include <vector>

#include "custseg/data/feature_matrix.hpp"
#include "custseg/data/prepare_options.hpp"
#include "custseg/data/transform.hpp"
#include "custseg/io/customer_table.hpp"
#include "custseg/mpi/communicator.hpp"

namespace custseg::data {

struct PreparedData {
  io::RowBlock block;                // this rank's rows of the table
  std::uint64_t rows_total = 0;      // all ranks
  std::uint64_t rows_dropped = 0;    // all ranks
  FeatureMatrix x;                   // kept rows, transformed and standardized
  std::vector<std::uint8_t> kept;    // per block row; empty when no row was dropped anywhere
  FeatureScaling scaling;
  double mean_variance = 1.0;        // mean feature variance in the k-means space
};

// Resolves the feature list against the table (usage/input errors name what is missing).
std::vector<std::string> select_features(const std::string& requested, const io::TableInfo& table,
                                         const std::string& file_path);

// Collective; errors are agreed across ranks before they are thrown.
PreparedData prepare_features(const mpi::Communicator& comm, const io::File& file, const io::TableInfo& table,
                              const PrepareOptions& options);

// The same with a fitted scaling (`custseg score`): reads scaling.names (each must be in the table),
// applies the given transforms, NaN policy and mean/scale instead of fitting them, and stores the
// result in `precision`. Collective; errors agreed.
PreparedData prepare_with_scaling(const mpi::Communicator& comm, const io::File& file, const io::TableInfo& table,
                                  const FeatureScaling& scaling, NanPolicy nan_policy, Precision precision);

// Refuses to fit k segments to `p`'s rows, naming the real problem: every row dropped for NaN/Inf
// (or values beyond kMaxFeatureMagnitude) under --nan-policy drop, or k above the usable rows.
// Same answer on every rank (the counts are global).
void require_usable_rows(const PreparedData& p, std::uint64_t k, const std::string& file);

// Expands per-kept-row labels to per-block-row labels with -1 for dropped rows.
template <class T>
std::vector<T> expand_to_block(const PreparedData& p, const std::vector<T>& kept_values, T dropped_value) {
  if (p.kept.empty()) return kept_values;
  std::vector<T> out(p.block.count, dropped_value);
  std::size_t next = 0;
  for (std::size_t i = 0; i < p.kept.size(); ++i)
    if (p.kept[i]) out[i] = kept_values[next++];
  return out;
}

}  // namespace custseg::data
