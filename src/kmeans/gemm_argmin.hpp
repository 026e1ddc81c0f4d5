#pragma once
// Internal to blocked_assign.cpp and gemm_argmin.cpp: one block of rows (one vector lane per
// row) ranked against all centroids by a(c) = |c|^2 - 2 x.c.
#include <cstddef>
#include <cstdint>

namespace custseg::kmeans::detail {

// One 512-bit vector of T and the matching integer vector (GCC/Clang vector extensions: plain
// C++ that becomes AVX-512 with -march=native and narrower vectors elsewhere).
template <class T>
struct Lanes;
template <>
struct Lanes<float> {
  static constexpr std::size_t width = 16;
  using Int = std::int32_t;
  typedef float Vec __attribute__((vector_size(64)));
  typedef Int Idx __attribute__((vector_size(64)));
};
template <>
struct Lanes<double> {
  static constexpr std::size_t width = 8;
  using Int = std::int64_t;
  typedef double Vec __attribute__((vector_size(64)));
  typedef Int Idx __attribute__((vector_size(64)));
};

template <class T>
struct BlockRanking {
  typename Lanes<T>::Vec best, second, xnorm2;  // min a(c), runner-up a(c), |x|^2 (all in T)
  typename Lanes<T>::Idx best_index;            // first c reaching the minimum
};

// xt: d x width, 64-byte aligned (row l of the block in lane l); c: k x d; norm2: k.
template <class T>
void gemm_argmin(const T* xt, std::size_t d, std::size_t k, const T* c, const T* norm2, BlockRanking<T>& out);

}  // namespace custseg::kmeans::detail
