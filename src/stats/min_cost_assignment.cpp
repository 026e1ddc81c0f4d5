#include "custseg/stats/min_cost_assignment.hpp"

#include <limits>
#include <stdexcept>

namespace custseg::stats {

namespace {

// n <= m: assigns every one of the n rows to a distinct column (1-based indexing inside, column 0
// is the virtual start of each augmenting path). u, v: dual potentials; p[j]: row holding column j.
std::vector<int> assign_rows(const std::vector<double>& a, std::size_t n, std::size_t m) {
  const double inf = std::numeric_limits<double>::infinity();
  std::vector<double> u(n + 1, 0.0), v(m + 1, 0.0);
  std::vector<std::size_t> p(m + 1, 0), way(m + 1, 0);
  for (std::size_t i = 1; i <= n; ++i) {
    p[0] = i;
    std::size_t j0 = 0;
    std::vector<double> minv(m + 1, inf);
    std::vector<char> used(m + 1, 0);
    do {  // Dijkstra on reduced costs until a free column is reached
      used[j0] = 1;
      const std::size_t i0 = p[j0];
      double delta = inf;
      std::size_t j1 = 0;
      for (std::size_t j = 1; j <= m; ++j) {
        if (used[j]) continue;
        const double cur = a[(i0 - 1) * m + (j - 1)] - u[i0] - v[j];
        if (cur < minv[j]) {
          minv[j] = cur;
          way[j] = j0;
        }
        if (minv[j] < delta) {
          delta = minv[j];
          j1 = j;
        }
      }
      for (std::size_t j = 0; j <= m; ++j) {
        if (used[j]) {
          u[p[j]] += delta;
          v[j] -= delta;
        } else {
          minv[j] -= delta;
        }
      }
      j0 = j1;
    } while (p[j0] != 0);
    do {  // flip the augmenting path
      const std::size_t j1 = way[j0];
      p[j0] = p[j1];
      j0 = j1;
    } while (j0 != 0);
  }
  std::vector<int> row_to_col(n, -1);
  for (std::size_t j = 1; j <= m; ++j)
    if (p[j] != 0) row_to_col[p[j] - 1] = static_cast<int>(j - 1);
  return row_to_col;
}

}  // namespace

std::vector<int> min_cost_assignment(const std::vector<double>& cost, std::size_t rows, std::size_t cols) {
  if (cost.size() != rows * cols) throw std::invalid_argument("min_cost_assignment: cost has the wrong size");
  if (rows == 0 || cols == 0) return std::vector<int>(rows, -1);
  if (rows <= cols) return assign_rows(cost, rows, cols);
  // More rows than columns: solve the transpose (columns to rows), then invert.
  std::vector<double> t(cols * rows);
  for (std::size_t r = 0; r < rows; ++r)
    for (std::size_t c = 0; c < cols; ++c) t[c * rows + r] = cost[r * cols + c];
  const std::vector<int> col_to_row = assign_rows(t, cols, rows);
  std::vector<int> row_to_col(rows, -1);
  for (std::size_t c = 0; c < cols; ++c) row_to_col[static_cast<std::size_t>(col_to_row[c])] = static_cast<int>(c);
  return row_to_col;
}

}  // namespace custseg::stats
