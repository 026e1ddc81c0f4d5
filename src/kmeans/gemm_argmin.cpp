// The fused GEMM + argmin micro-kernel of blocked_assign.cpp, in its own translation unit because
// it is compiled with floating-point contraction (FMA) enabled, unlike the rest of the library
// (CMakeLists.txt sets -ffp-contract=off for bitwise reproducibility). That is safe here and only
// here: the values computed in this file never reach a label, a distance or a sum directly; they
// only rank centroids inside the rigorous error bound of blocked_assign.hpp, which holds for any
// summation order and any use of FMA. Nothing from assign.hpp (the direct formula, which must
// round the same way everywhere) is compiled in this file.
#pragma GCC optimize("fp-contract=fast")

#include "gemm_argmin.hpp"

#include <limits>

namespace custseg::kmeans::detail {

template <class T>
void gemm_argmin(const T* xt_raw, std::size_t d, std::size_t k, const T* c, const T* norm2, BlockRanking<T>& out) {
  using L = Lanes<T>;
  using Vec = typename L::Vec;
  using Idx = typename L::Idx;
  using Int = typename L::Int;
  const Vec* x = reinterpret_cast<const Vec*>(xt_raw);
  Vec xn2 = Vec{};
  for (std::size_t j = 0; j < d; ++j) xn2 += x[j] * x[j];

  const T inf = std::numeric_limits<T>::infinity();
  Vec best = Vec{} + inf, second = Vec{} + inf;
  Idx best_index = Idx{};
  auto rank = [&](const Vec& a, std::size_t index) {
    const auto lt = a < best;
    second = lt ? best : (a < second ? a : second);
    best = lt ? a : best;
    best_index = lt ? (Idx{} + static_cast<Int>(index)) : best_index;
  };
  // Q centroids from `first`: Q independent accumulation chains. Eight cover the FMA latency
  // (4 cycles) on both FMA ports; four left half of them idle.
  auto step = [&]<std::size_t Q>(std::size_t first) {
    const T* c0 = c + first * d;
    Vec acc[Q] = {};
    for (std::size_t j = 0; j < d; ++j) {
      const Vec xj = x[j];
      for (std::size_t q = 0; q < Q; ++q) acc[q] += xj * c0[q * d + j];
    }
    for (std::size_t q = 0; q < Q; ++q) rank(norm2[first + q] - T(2) * acc[q], first + q);
  };
  std::size_t ci = 0;
  for (; ci + 8 <= k; ci += 8) step.template operator()<8>(ci);
  for (; ci + 4 <= k; ci += 4) step.template operator()<4>(ci);
  for (; ci < k; ++ci) step.template operator()<1>(ci);
  out.best = best;
  out.second = second;
  out.best_index = best_index;
  out.xnorm2 = xn2;
}

template void gemm_argmin<float>(const float*, std::size_t, std::size_t, const float*, const float*,
                                 BlockRanking<float>&);
template void gemm_argmin<double>(const double*, std::size_t, std::size_t, const double*, const double*,
                                  BlockRanking<double>&);

}  // namespace custseg::kmeans::detail
