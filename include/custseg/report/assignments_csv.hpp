#pragma once
// assignments.csv, the per-customer export (docs/outputs.md): one line per row of the input, in
// input order, for a CRM import or pandas.read_csv:
//
//   customer_id,segment,segment_name,distance
//   C10001,3,"Recent frequent big spenders",0.8412
//
// customer_id: the id exactly as in the input (a string byte for byte, RFC 4180-quoted only when
//   it holds a comma, a quote or a line break; a number in decimal). Never pseudonymized: like
//   results.h5 /assignments it is the file that joins back to the customer table (docs/privacy.md).
// segment: the stable segment ID reports show (docs/segment-ids.md); -1 for a row dropped for
//   NaN/Inf features, whose segment_name and distance are empty.
// segment_name: the name report.html shows, quoted.
// distance: Euclidean distance to the segment's centroid in the standardized feature space, the
//   float32 of results.h5 /assignments/distance in its shortest round-trip decimal form.
// p_alive, expected_purchases, expected_spend, clv (segment --clv only): the customer's CLV figures
//   (docs/clv.md) in shortest round-trip decimal form, for dropped rows too; empty outside the
//   calibration cohort (NaN in results.h5).
// MPI-free: each rank renders its own block; io::write_rank_ordered_text writes the blocks.
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "custseg/data/customer_ids.hpp"
#include "custseg/util/named_column.hpp"

namespace custseg::report {

// One rank's block of rows. labels[i] is the k-means index of row i (-1: dropped), distance[i]
// its distance (ignored for dropped rows); segment_ids (empty: identity) and names are per
// k-means index, as in RunSummary.
struct AssignmentRows {
  const data::CustomerIds& ids;
  std::span<const std::int32_t> labels;
  std::span<const float> distance;
  const std::vector<std::int32_t>& segment_ids;
  const std::vector<std::string>& names;
  std::vector<NamedColumn> figures = {};  // per row, after distance (segment --clv)
};

std::string assignments_csv_header(const std::vector<NamedColumn>& figures = {});

// Appends the lines of rows [begin, end) to `out`.
void append_assignment_lines(const AssignmentRows& rows, std::size_t begin, std::size_t end, std::string& out);

}  // namespace custseg::report
