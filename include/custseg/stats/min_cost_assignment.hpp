#pragma once
// Minimum-cost assignment (the linear assignment problem) for a rectangular cost matrix, by the
// Hungarian method: Kuhn, "The Hungarian method for the assignment problem" (1955), Munkres,
// "Algorithms for the assignment and transportation problems" (1957), in the O(n^2 m) form with
// row potentials and shortest augmenting paths (Jonker-Volgenant style), n = min(rows, cols),
// m = max(rows, cols): O(n^3) for square matrices.
//
// Why not a Debian library: dlib's max_cost_assignment takes integer costs only (our costs are
// real distances) and the Debian packages that solve it are Perl or Python modules
// (libalgorithm-munkres-perl, python3-munkres); a C++ dependency for ~60 lines was not worth it.
#include <cstddef>
#include <vector>

namespace custseg::stats {

// cost: rows x cols, row-major, finite. Returns, for every row, the column assigned to it, or -1
// when rows > cols and the row is left out. Every column is used at most once, min(rows, cols)
// pairs are made, and their total cost is minimal. Deterministic: ties are broken the same way
// for the same matrix. rows == 0 or cols == 0: every row unassigned.
std::vector<int> min_cost_assignment(const std::vector<double>& cost, std::size_t rows, std::size_t cols);

}  // namespace custseg::stats
