#pragma once
// Nearest centroids for a tile of rows with a blocked GEMM and a fused argmin, giving exactly the
// labels of nearest_centroid (assign.hpp).
//
// For rows x the kernel ranks centroids by a(c) = |c|^2 - 2 x.c, which is |x - c|^2 minus the
// per-row constant |x|^2. The dot products are a GEMM X C^T computed in the storage type T with
// one vector lane per row (16 rows per 512-bit vector in float), so the running minimum, the
// runner-up and the argmin are fused into the same pass and G never goes to memory. (Eigen's
// GEMM was the first version: at these shapes, d and k <= 64, it spent most of its time packing
// the row-major tile (gemm_pack_lhs) and the argmin re-read G; the Lloyd pass took 95 ms per 2M
// x 16 rows, k = 16, on one thread, against 31 ms for this kernel; see the issue 3 note.)
//
// GEMM rounding depends on the evaluation order, which a different kernel, vector width or tile
// position could change, so a(c) alone could break a near tie differently on different ranks.
// The kernel therefore never lets a(c) decide a close call:
//
//   Let D(c) be the direct formula squared_distance(x, c) (assign.hpp), the definition of the
//   label. For every c, |a(c) + |x|^2 - D(c)| <= E(x), a bound that holds for any summation order
//   and any FMA use (the dot product errs by at most gamma_d sum_j |x_j c_j| <= d u |x||c| up to
//   second order, u the unit roundoff of T; |c|^2 and the final subtraction add u (|c|^2 + 2|x||c|);
//   centroids rounded to T move D by at most 2u|c|(|x| + |c|); |x|^2 in T errs by d u |x|^2; the
//   double direct formula adds (d + 6) 2^-53 (|x| + |c|)^2). All are below
//   E(x) = u (4d + 16) (|x| + R)^2 with R >= max |c|, used with margin.
//
//   With m1 = min_c a(c) at c1 and m2 the runner-up value: if m2 > m1 + 2E, every c != c1 has
//   D(c) >= a(c) + |x|^2 - E > m1 + |x|^2 + E >= D(c1), so c1 is the strict minimiser of D: the
//   label, whatever the GEMM's rounding. Otherwise (a near tie, rare) the row is decided by
//   nearest_centroid itself.
//
// The reported squared distance is always D(label), never a GEMM value, so labels, distances,
// inertia and sums are the same bits on any rank, thread and tile position.
#include <cstddef>
#include <cstdint>
#include <vector>

namespace custseg::kmeans {

// Rows per tile handed to assign_tile by the steps (a multiple of every vector width).
inline constexpr std::size_t kTileRows = 256;
// Rows per TBB task: multiples of the tile, large enough that a task's copy of the k x d
// accumulators is negligible. The bound-based steps take larger tasks (their sparse passes do
// little work per row). Results never depend on them (integer sums).
inline constexpr std::size_t kLloydTaskRows = 8 * kTileRows;
inline constexpr std::size_t kBoundTaskRows = 16 * kTileRows;
// Cache line, for the prefetches of scattered rows.
inline constexpr std::size_t kCacheLineBytes = 64;

// The centroids in the storage type T, plus what the error bound needs.
template <class T>
struct CentroidPanel {
  CentroidPanel(const std::vector<double>& centroids, std::size_t k, std::size_t d);

  std::size_t k, d;
  const double* exact;   // k * d, the direct formula's centroids (the caller's vector)
  std::vector<T> c;      // k * d, rounded to T
  std::vector<T> norm2;  // |c_T|^2 rounded to T
  double max_norm = 0.0; // >= max_c |c| (and |c_T|)
};

// Per-thread scratch, reused across tiles.
template <class T>
struct TileWorkspace {
  std::vector<T> xt;  // d x lanes: one block of rows, transposed
};

// rows: m rows, row-major and contiguous. Writes label[i]; every other output is optional (null
// = not wanted): distance2[i] = D(label); runner_up_lb2[i], a lower bound on the true squared
// distance from row i to every centroid other than its label; upper[i] >= the true distance to
// the label and lower[i] <= the true distance to every other centroid (floats rounded outward,
// the bound-based variants' state, taken from the ranking itself when the row is not a near tie).
template <class T>
void assign_tile(const T* rows, std::size_t m, const CentroidPanel<T>& panel, TileWorkspace<T>& ws,
                 std::int32_t* label, double* distance2, double* runner_up_lb2, float* upper = nullptr,
                 float* lower = nullptr);

// Whole arrays (serial); a convenience for tests and small inputs.
template <class T>
void assign_rows(const T* rows, std::size_t n, const CentroidPanel<T>& panel, std::int32_t* label, double* distance2,
                 double* runner_up_lb2 = nullptr);

}  // namespace custseg::kmeans
