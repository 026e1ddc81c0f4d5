#pragma once
// custseg compare's outputs (docs/compare.md), pure functions of a CompareResult: rank 0 renders
// them and writes them under temporary names, renamed when all are written.
#include <string>
#include <vector>

#include "custseg/compare/compare_result.hpp"

namespace custseg::report {

// Matrix labels: the segment ID, or "new" (last row) and "lost" (last column).
std::string row_label(const compare::CompareResult& r, std::size_t row);
std::string col_label(const compare::CompareResult& r, std::size_t col);
// The order every output lists the matrix in: each run's segments by stable segment ID (a run
// made with --previous holds them in k-means index order, e.g. IDs 2,4,3,1,5,0), then "new"
// (row) or "lost" (column). Values are matrix row / column indices.
std::vector<std::size_t> row_order(const compare::CompareResult& r);
std::vector<std::size_t> col_order(const compare::CompareResult& r);

// Tidy migration matrix, one line per cell (empty cells too, but not the (new, lost) cell, which
// is always 0: no customer is in neither run), in row_order then col_order: previous_segment,
// current_segment, customers, share_of_previous (of the row's customers), then the KPI sums
// moved, one column per KPI.

std::string migration_csv(const compare::CompareResult& r);
std::string compare_json(const compare::CompareResult& r);
// Self-contained page: summary, the migration matrix as a shaded SVG grid, KPI moved, drift tables.
std::string compare_html(const compare::CompareResult& r);

// Writes migration.csv, report.json and report.html into `dir`, each first as NAME.partial; the
// renames happen only after all three are written, and a failure removes the partial files.
// Output errors. One process (rank 0).
void write_compare_outputs(const std::string& dir, const compare::CompareResult& r);

}  // namespace custseg::report
