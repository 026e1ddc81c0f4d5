#pragma once
// One feature's profile per segment in original units: moments, exact quantiles, and how each
// segment differs from the population (index and standardized difference).
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "custseg/mpi/communicator.hpp"
#include "custseg/stats/segment_moments.hpp"

namespace custseg::stats {

struct FeatureProfile {
  std::string name;
  ColumnMoments moments;                        // groups 0..k-1 segments, k the population
  std::vector<std::vector<double>> quantiles;   // [group][kProfileProbabilities]
  std::vector<double> index;     // [k] segment mean / population mean x 100; NaN if the population mean is 0
  std::vector<double> std_diff;  // [k] (segment mean - population mean) / population std; NaN if that std is 0
};

// Index and standardized difference from the moments (pure; used by profile_feature).
void fill_differences(FeatureProfile& profile, std::size_t k);

// Collective: every rank calls it with its rows (labels -1 = dropped rows, ignored).
FeatureProfile profile_feature(const mpi::Communicator& comm, const std::string& name, std::span<const double> values,
                               std::span<const std::int32_t> labels, std::size_t k);

}  // namespace custseg::stats
