#pragma once
// Fairness audit of a segmentation against one protected column (gender, age band, ...): per
// segment, each group's share of the segment against its share of the population, and the ratio
// of the smallest to the largest group selection rate (rate of group g = customers of g in the
// segment / customers of g), flagged below a threshold (0.8: the four-fifths rule).
// Counts are integers, so the audit is exact and identical for any rank count.
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "custseg/mpi/communicator.hpp"
#include "custseg/stats/segment_profiles_types.hpp"

namespace custseg::stats {

// Collective. `group_codes` are this rank's rows' group indices in [0, group_labels.size()), -1
// for none; rows with label -1 are ignored.
FairnessAudit fairness_audit(const mpi::Communicator& comm, const std::string& column,
                             std::vector<std::string> group_labels, std::span<const std::int32_t> group_codes,
                             std::span<const std::int32_t> labels, std::size_t k, double threshold);

// Group codes of a protected column: an integer-coded categorical column (a "categories"
// attribute) keeps its codes; a numeric column whose known values are whole numbers with at most
// kMaxIntegerCodes distinct values over all ranks is grouped by value ("region = 3"); any other
// numeric column is cut into bands at the exact population quartiles (labels like "age <= 31").
// Collective; an input error names a bad code.
inline constexpr std::size_t kMaxIntegerCodes = 16;
struct ProtectedGroups {
  std::vector<std::string> labels;
  std::vector<std::int32_t> codes;  // per row of the block
};
ProtectedGroups protected_groups(const mpi::Communicator& comm, const std::string& column,
                                 std::span<const double> values, const std::vector<std::string>& categories,
                                 std::span<const std::int32_t> labels);

// Groups of a numeric column cut at declared bands (--bands age:18,25,35,50,65): half-open
// intervals as pandas.cut(right=False) makes them, labelled "age < 18", "18 <= age < 25", ...,
// "age >= 65"; NaN is unknown (-1). `cuts` strictly increasing and finite (checked by the option
// parser). Pure: every rank labels its own rows the same way.
ProtectedGroups banded_groups(const std::string& column, std::span<const double> values, const std::vector<double>& cuts);

// Group codes of a text protected column (h5py strings, pandas 'table' text): one group per
// distinct value over all ranks, in byte order; empty values are unknown (-1). Collective; an
// input error when there are more than kMaxTextGroups values (not a categorical column).
inline constexpr std::size_t kMaxTextGroups = 1000;
ProtectedGroups text_groups(const mpi::Communicator& comm, const std::string& column,
                            const std::vector<std::string>& values);

}  // namespace custseg::stats
