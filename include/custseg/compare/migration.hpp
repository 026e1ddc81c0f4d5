#pragma once
// custseg compare, the local (MPI-free) part: joining one rank's share of two periods' customers
// by id, and the figures computed from the reduced migration matrix (docs/compare.md).
//
// Matrix layout: rows are the previous run's segments in its /segments/segment_id order plus a
// last row "new" (customers only in the current run); columns are the current run's segments plus
// a last column "lost" (customers only in the previous run). Cell (new, lost) is always 0.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "custseg/util/fixed_point.hpp"

namespace custseg::compare {

// One period's rows as a rank holds them after the exchange: the id's bytes
// (data::CustomerIds::key), the segment index (position in the run's segment_ids, never -1:
// dropped rows are not sent) and `kpis` values per row (row-major; empty when no KPI weighting).
struct PeriodRows {
  std::vector<std::string> keys;
  std::vector<std::int32_t> segment;
  std::vector<double> kpis;
  bool text = false;  // ids are strings (else uint64 as 8 bytes)
};

// Counts (and exact fixed-point KPI sums) per cell, rows x cols, row-major; `kpi_sums` holds
// kpis values per cell.
struct Tally {
  std::size_t rows = 0, cols = 0, kpis = 0;
  std::vector<std::int64_t> counts;
  std::vector<Int128> kpi_sums;
  Tally(std::size_t previous_k, std::size_t current_k, std::size_t n_kpis)
      : rows(previous_k + 1), cols(current_k + 1), kpis(n_kpis), counts(rows * cols, 0), kpi_sums(rows * cols * n_kpis, 0) {}
};

// The KPI weighting rule: a customer present in the previous run (matrix rows 0..kA-1, lost
// included) counts with its previous-period KPI value, a new customer with its current-period
// value. NaN values add nothing. `scales` has one exact-sum scale per KPI (same on every rank).
struct JoinOutcome {
  Tally tally;
  std::optional<std::string> repeated_previous, repeated_current;  // an id seen twice (its key)
};
// The order ids are sorted and merged by (their first 8 bytes as a big-endian integer, then all
// bytes): the same on every rank, so "the smallest repeated id" does not depend on the rank count.
bool id_less(const std::string& a, const std::string& b);

JoinOutcome join_periods(PeriodRows& previous, PeriodRows& current, std::size_t previous_k, std::size_t current_k,
                         const std::vector<FixedPoint>& scales);

// Adjusted Rand index (Hubert & Arabie 1985) of the contingency table formed by the first
// `rows` x `cols` cells of a (rows+1) x (cols+1) migration matrix: the customers in both runs.
// 1 when both partitions are trivial in the same way (as scikit-learn); NaN for no customers.
double adjusted_rand_index(const std::vector<std::int64_t>& counts, std::size_t rows, std::size_t cols);

// Population stability index over bins: sum (b - a) ln(b / a) over the shares a (previous) and b
// (current), each share at least kPsiEpsilon (an empty bin would make the log infinite).
inline constexpr double kPsiEpsilon = 1e-4;
inline constexpr int kPsiBins = 10;
double population_stability(const std::vector<std::int64_t>& previous, const std::vector<std::int64_t>& current);
// The bin of x among the 9 decile edges: the number of edges below x, so x equal to an edge
// falls in the lower bin (numpy: searchsorted(edges, x, side='left')).
int psi_bin(double x, const std::vector<double>& edges);
// "stable" (< 0.1), "moderate" (0.1 - 0.25) or "major" (> 0.25): the usual reading.
std::string psi_reading(double psi);

}  // namespace custseg::compare
