#include "custseg/kmeans/blocked_assign.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "custseg/kmeans/assign.hpp"
#include "block_transpose.hpp"
#include "gemm_argmin.hpp"

namespace custseg::kmeans {

namespace {

using detail::Lanes;

template <class T>
constexpr double unit_roundoff() {
  return std::numeric_limits<T>::epsilon() / 2;  // 2^-24 for float, 2^-53 for double
}

// Up to `width` rows starting at rows[0]: the fused GEMM + argmin + runner-up, then the exact
// decision per row (module comment in the header).
template <class T>
void assign_block(const T* rows, std::size_t valid, const CentroidPanel<T>& panel, T* xt, std::int32_t* label,
                  double* distance2, double* runner_up_lb2, float* upper, float* lower) {
  constexpr std::size_t W = Lanes<T>::width;
  const std::size_t k = panel.k, d = panel.d;

  // Transpose the block: xt[j * W + l] = row l, feature j (missing rows repeat the last one).
  detail::transpose_block(rows, valid, d, xt);
  detail::BlockRanking<T> rank;
  detail::gemm_argmin(xt, d, k, panel.c.data(), panel.norm2.data(), rank);
  const auto& best = rank.best;
  const auto& second = rank.second;
  const auto& best_index = rank.best_index;
  const auto& xn2 = rank.xnorm2;

  // Near-tie test for the whole block in T: tie = !(m2 > m1 + 2E). E is evaluated in T with a
  // 10% larger factor, which covers the rounding of this evaluation: e itself is computed to a
  // few ulps, and ulp(m1) <= 2u (|x| + R)^2 < E / 10 because |m1| <= (|x| + R)^2.
  using Vec = typename Lanes<T>::Vec;
  const T factor = static_cast<T>(unit_roundoff<T>() * static_cast<double>(4 * d + 16) * 1.1);
  Vec norm = xn2;
  for (std::size_t l = 0; l < W; ++l) norm[l] = std::sqrt(norm[l]);  // vectorised by the compiler
  const Vec s = norm * T(1.001) + static_cast<T>(panel.max_norm);
  const Vec e = factor * s * s + T(1e-30);
  const auto clear = second > best + T(2) * e;
  bool all_clear = true;
  for (std::size_t l = 0; l < valid; ++l) all_clear = all_clear && clear[l] != 0;
  if (all_clear && distance2 == nullptr && runner_up_lb2 == nullptr) {
    for (std::size_t l = 0; l < valid; ++l) label[l] = static_cast<std::int32_t>(best_index[l]);
    if (upper != nullptr) {
      // Bounds on the true distances straight from the ranking, for the whole block at once:
      // |x - c|^2 lies within a(c) + |x|^2 -/+ E (module comment). 1.5 E also covers the
      // rounding of these few operations in T (below 2^-22 (|x| + R)^2, a fifth of E), and the
      // final factors cover the rounding of the square root and of the product.
      // In T, vectorised: sqrt is correctly rounded and the factors 1 -/+ 2^-20 exceed the
      // rounding of the square root, the product and the conversion to float together.
      Vec up = best + xn2 * T(1.001) + T(1.5) * e;
      Vec lo = second + xn2 * T(0.999) - T(1.5) * e;
      for (std::size_t l = 0; l < W; ++l) {
        up[l] = std::sqrt(up[l]);
        lo[l] = std::sqrt(lo[l] > T(0) ? lo[l] : T(0));
      }
      up *= T(1.0 + 0x1p-20);
      lo *= T(1.0 - 0x1p-20);
      for (std::size_t l = 0; l < valid; ++l) {
        upper[l] = static_cast<float>(up[l]);
        lower[l] = static_cast<float>(lo[l]);
      }
    }
    return;
  }
  for (std::size_t l = 0; l < valid; ++l) {
    const T* row = rows + l * d;
    const double norm2 = static_cast<double>(xn2[l]);
    const double el = static_cast<double>(e[l]);
    double d2 = 0.0, lb2 = 0.0;
    if (clear[l]) {
      const auto b = static_cast<std::size_t>(best_index[l]);
      label[l] = static_cast<std::int32_t>(b);
      if (distance2 || upper) d2 = squared_distance(row, panel.exact + b * d, d);
      lb2 = std::max(0.0, static_cast<double>(second[l]) + norm2 * (1.0 - 1e-3) - 1.5 * el);
    } else {
      // Near tie: the reference decides.
      const Nearest n = nearest_centroid(row, panel.exact, k, d);
      label[l] = n.label;
      d2 = n.distance2;
      lb2 = k > 1 ? std::max(0.0, static_cast<double>(best[l]) + norm2 * (1.0 - 1e-3) - 1.5 * el)
                  : std::numeric_limits<double>::infinity();
    }
    if (distance2) distance2[l] = d2;
    if (runner_up_lb2) runner_up_lb2[l] = lb2;
    if (upper) {
      const double ed = direct_error_bound(std::sqrt(norm2) * 1.001, panel.max_norm, d);
      upper[l] = static_cast<float>(std::sqrt(d2 + ed) * (1.0 + 0x1p-20));
      lower[l] = static_cast<float>(std::sqrt(lb2) * (1.0 - 0x1p-20));
    }
  }
}

}  // namespace

template <class T>
CentroidPanel<T>::CentroidPanel(const std::vector<double>& centroids, std::size_t k_, std::size_t d_)
    : k(k_), d(d_), exact(centroids.data()), c(k_ * d_), norm2(k_) {
  for (std::size_t ci = 0; ci < k; ++ci) {
    double n2_rounded = 0.0, n2_exact = 0.0;
    for (std::size_t j = 0; j < d; ++j) {
      const T v = static_cast<T>(centroids[ci * d + j]);
      c[ci * d + j] = v;
      n2_rounded += static_cast<double>(v) * static_cast<double>(v);
      n2_exact += centroids[ci * d + j] * centroids[ci * d + j];
    }
    norm2[ci] = static_cast<T>(n2_rounded);
    max_norm = std::max(max_norm, std::sqrt(std::max(n2_rounded, n2_exact)));
  }
  max_norm *= 1.0 + 1e-6;  // covers the rounding of the norms themselves
}

template <class T>
void assign_tile(const T* rows, std::size_t m, const CentroidPanel<T>& panel, TileWorkspace<T>& ws,
                 std::int32_t* label, double* distance2, double* runner_up_lb2, float* upper, float* lower) {
  constexpr std::size_t W = Lanes<T>::width;
  if (ws.xt.size() < panel.d * W + 16) ws.xt.assign(panel.d * W + 16, T(0));
  // 64-byte aligned view of the scratch for the vector loads.
  auto addr = reinterpret_cast<std::uintptr_t>(ws.xt.data());
  T* xt = reinterpret_cast<T*>((addr + 63) & ~std::uintptr_t{63});
  const std::size_t block_bytes = W * panel.d * sizeof(T);
  for (std::size_t b = 0; b < m; b += W) {
    const std::size_t valid = std::min(W, m - b);
    // Software prefetch a few blocks ahead: the transposed loads are strided, and the hardware
    // prefetcher alone left about a third of the bandwidth unused.
    if (b + 4 * W < m) {
      const char* ahead = reinterpret_cast<const char*>(rows + (b + 4 * W) * panel.d);
      for (std::size_t off = 0; off < block_bytes; off += 64) __builtin_prefetch(ahead + off, 0, 0);
    }
    assign_block(rows + b * panel.d, valid, panel, xt, label + b, distance2 ? distance2 + b : nullptr,
                 runner_up_lb2 ? runner_up_lb2 + b : nullptr, upper ? upper + b : nullptr, lower ? lower + b : nullptr);
  }
}

template <class T>
void assign_rows(const T* rows, std::size_t n, const CentroidPanel<T>& panel, std::int32_t* label, double* distance2,
                 double* runner_up_lb2) {
  TileWorkspace<T> ws;
  assign_tile(rows, n, panel, ws, label, distance2, runner_up_lb2);
}

template struct CentroidPanel<float>;
template struct CentroidPanel<double>;
template void assign_tile<float>(const float*, std::size_t, const CentroidPanel<float>&, TileWorkspace<float>&,
                                 std::int32_t*, double*, double*, float*, float*);
template void assign_tile<double>(const double*, std::size_t, const CentroidPanel<double>&, TileWorkspace<double>&,
                                  std::int32_t*, double*, double*, float*, float*);
template void assign_rows<float>(const float*, std::size_t, const CentroidPanel<float>&, std::int32_t*, double*,
                                 double*);
template void assign_rows<double>(const double*, std::size_t, const CentroidPanel<double>&, std::int32_t*, double*,
                                  double*);

}  // namespace custseg::kmeans
