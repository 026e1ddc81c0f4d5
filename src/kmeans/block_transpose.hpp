#pragma once
// Internal to blocked_assign.cpp: the transpose of one block of rows into the lane-per-row layout
// of the fused kernel (xt[j * W + l] = row l, feature j).
//
// The scalar copy costs one store per value (16 per row at d = 16), about a third of a Lloyd
// pass in the profile. For float, full 16 x 16 tiles are transposed in registers instead: four
// butterfly stages of two-source shuffles (Eklundh's algorithm; 64 shuffles per tile), written
// with GCC/Clang vector extensions so that it becomes vpermt2ps with AVX-512 and narrower
// shuffles elsewhere; a remaining 8 columns go through a 16 x 8 variant. Pure data movement: every value, and so every result, is unchanged.
#include <algorithm>
#include <cstddef>
#include <cstring>
#include <type_traits>

#include "gemm_argmin.hpp"

namespace custseg::kmeans::detail {

namespace transpose_impl {

using V16 = Lanes<float>::Vec;

// Stage with block size B: rows i and i + B (bit B of i clear) exchange their lane blocks of
// size B, so that after B = 8, 4, 2, 1 row j holds column j.
#define CUSTSEG_BUTTERFLY(B, LO, HI)                              \
  inline void stage##B(V16* r, int n = 16) {                     \
    for (int i = 0; i < n; ++i) {                                \
      if (i & B) continue;                                       \
      const V16 lo = __builtin_shufflevector(r[i], r[i + B], LO); \
      const V16 hi = __builtin_shufflevector(r[i], r[i + B], HI); \
      r[i] = lo;                                                 \
      r[i + B] = hi;                                             \
    }                                                            \
  }
#define CUSTSEG_IDX(...) __VA_ARGS__
CUSTSEG_BUTTERFLY(8, CUSTSEG_IDX(0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23),
                  CUSTSEG_IDX(8, 9, 10, 11, 12, 13, 14, 15, 24, 25, 26, 27, 28, 29, 30, 31))
CUSTSEG_BUTTERFLY(4, CUSTSEG_IDX(0, 1, 2, 3, 16, 17, 18, 19, 8, 9, 10, 11, 24, 25, 26, 27),
                  CUSTSEG_IDX(4, 5, 6, 7, 20, 21, 22, 23, 12, 13, 14, 15, 28, 29, 30, 31))
CUSTSEG_BUTTERFLY(2, CUSTSEG_IDX(0, 1, 16, 17, 4, 5, 20, 21, 8, 9, 24, 25, 12, 13, 28, 29),
                  CUSTSEG_IDX(2, 3, 18, 19, 6, 7, 22, 23, 10, 11, 26, 27, 14, 15, 30, 31))
CUSTSEG_BUTTERFLY(1, CUSTSEG_IDX(0, 16, 2, 18, 4, 20, 6, 22, 8, 24, 10, 26, 12, 28, 14, 30),
                  CUSTSEG_IDX(1, 17, 3, 19, 5, 21, 7, 23, 9, 25, 11, 27, 13, 29, 15, 31))
#undef CUSTSEG_IDX
#undef CUSTSEG_BUTTERFLY

// Columns [0, 16) of 16 rows `stride` apart into 16 lane vectors at xt (64-byte aligned).
inline void tile16(const float* rows, std::size_t stride, float* xt) {
  V16 r[16];
  for (std::size_t l = 0; l < 16; ++l) std::memcpy(&r[l], rows + l * stride, sizeof(V16));
  stage8(r);
  stage4(r);
  stage2(r);
  stage1(r);
  for (std::size_t j = 0; j < 16; ++j) std::memcpy(xt + j * 16, &r[j], sizeof(V16));
}

// Columns [0, 8) of 16 rows `stride` apart. With stride 8 the block is 8 vectors of two rows
// each; the first stage pairs vector m with m + 4 so that vector i holds rows i and i + 8, and
// the stages 4, 2, 1 then transpose both 8 x 8 halves at once (for B <= 4 the lane rule of a
// stage never crosses the middle of a vector).
inline void tile8(const float* rows, std::size_t stride, float* xt) {
  V16 v[8];
  for (std::size_t m = 0; m < 8; ++m) {
    std::memcpy(reinterpret_cast<float*>(&v[m]), rows + (2 * m) * stride, 8 * sizeof(float));
    std::memcpy(reinterpret_cast<float*>(&v[m]) + 8, rows + (2 * m + 1) * stride, 8 * sizeof(float));
  }
  V16 u[8];
  for (int m = 0; m < 4; ++m) {
    u[2 * m] = __builtin_shufflevector(v[m], v[m + 4], 0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23);
    u[2 * m + 1] = __builtin_shufflevector(v[m], v[m + 4], 8, 9, 10, 11, 12, 13, 14, 15, 24, 25, 26, 27, 28, 29, 30, 31);
  }
  stage4(u, 8);
  stage2(u, 8);
  stage1(u, 8);
  for (std::size_t j = 0; j < 8; ++j) std::memcpy(xt + j * 16, &u[j], sizeof(V16));
}

}  // namespace transpose_impl

// xt[j * W + l] = rows[l * d + j] for l < W; rows past `valid` repeat the last valid row.
template <class T>
void transpose_block(const T* rows, std::size_t valid, std::size_t d, T* xt) {
  constexpr std::size_t W = Lanes<T>::width;
  std::size_t first_scalar_column = 0;
  if constexpr (std::is_same_v<T, float>) {
    if (valid == W) {
      for (; first_scalar_column + 16 <= d; first_scalar_column += 16)
        transpose_impl::tile16(rows + first_scalar_column, d, xt + first_scalar_column * W);
      if (first_scalar_column + 8 <= d) {
        transpose_impl::tile8(rows + first_scalar_column, d, xt + first_scalar_column * W);
        first_scalar_column += 8;
      }
    }
  }
  for (std::size_t l = 0; l < W; ++l) {
    const T* r = rows + std::min(l, valid - 1) * d;
    for (std::size_t j = first_scalar_column; j < d; ++j) xt[j * W + l] = r[j];
  }
}

}  // namespace custseg::kmeans::detail
