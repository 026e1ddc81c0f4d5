#pragma once
// Exact, order-independent sums of doubles (DESIGN.md, "Reproducibility"): the number type.
//
// Each value is rounded once to a fixed-point integer at a scale fixed from the *global* largest
// magnitude, then summed in 128-bit integers. Integer addition is associative, so the total is
// the same whatever the split over ranks and threads and whatever the order. The rounding step
// is 2^-61 of the largest magnitude, far below double precision of the values that matter.
// Plain arithmetic, no MPI: the one reduction lives in mpi/exact_sum.hpp.
#include <cmath>
#include <cstdint>
#if defined(__x86_64__) && defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace custseg {

__extension__ using Int128 = __int128;  // GCC/Clang extension; exact 128-bit accumulators

class FixedPoint {
 public:
  FixedPoint() = default;
  // A scale at which every |x| <= max_abs maps below 2^62, so 2^65 of them fit in an Int128.
  static FixedPoint for_max_abs(double max_abs);

  // Precondition: |x| <= the max_abs this scale was made for (llrint of a value beyond int64, or
  // of inf, is undefined). Every caller takes max_abs from the values it then converts, and
  // feature values are bounded at input (data/transform.hpp, kMaxFeatureMagnitude), so that the
  // bounds on squares and sums built from them stay finite.
  // Multiplying by a power of two is exact, so the only rounding is llrint's, once per value.
  // The power is applied in two halves so that exponents beyond double's range (data of
  // magnitude 1e-300 or 1e300) neither overflow nor underflow the multiplier.
  [[nodiscard]] Int128 to_fixed(double x) const { return static_cast<Int128>(round_to_int64(x * multiplier_[0] * multiplier_[1])); }
  // llrint: round to nearest, ties to even (the default rounding mode). On x86-64 the one
  // instruction llrint amounts to, inline: libm's llrint is an out-of-line call (it may set
  // errno), and exact sums convert every value of every pass.
  [[nodiscard]] static std::int64_t round_to_int64(double x) {
#if defined(__x86_64__) && defined(__SSE2__)
    return _mm_cvtsd_si64(_mm_set_sd(x));
#else
    return std::llrint(x);
#endif
  }
  [[nodiscard]] double to_double(Int128 fixed) const { return static_cast<double>(fixed) * inverse_[0] * inverse_[1]; }
  [[nodiscard]] int exponent() const { return exponent_; }

 private:
  explicit FixedPoint(int exponent)
      : exponent_(exponent),
        multiplier_{std::ldexp(1.0, exponent / 2), std::ldexp(1.0, exponent - exponent / 2)},
        inverse_{std::ldexp(1.0, -(exponent / 2)), std::ldexp(1.0, -(exponent - exponent / 2))} {}
  int exponent_ = 0;
  double multiplier_[2] = {1.0, 1.0};
  double inverse_[2] = {1.0, 1.0};
};

// Exact sums of squared deviations for any finite range: squares of deviations from a tiny range
// (1e-200) underflow, and from a huge one overflow, in double before a fixed-point scale applies.
// Each deviation is first multiplied by 2^-shift with shift = ilogb(bound), which is exact: the
// squares then lie below 4, and whenever the plain squares are normal doubles the integers are
// the very same ones as without the prescale (so results keep their bits). Sums convert back
// with to_variance / to_std.
struct SquareScale {
  int shift = 0;
  double prescale = 1.0;  // 2^-shift: multiply each deviation by it before squaring
  FixedPoint scale;       // for the squared prescaled deviations
  // bound: the largest |deviation| (deviation_bound).
  static SquareScale for_bound(double bound);
  [[nodiscard]] Int128 to_fixed(double deviation) const {
    const double d = deviation * prescale;
    return scale.to_fixed(d * d);
  }
  // sqrt(sum / n) in the units of the deviations.
  [[nodiscard]] double to_std(Int128 sum, double n) const { return std::ldexp(std::sqrt(scale.to_double(sum) / n), shift); }
};

// The bound whose square fixes the scale of an exact sum of squared deviations (variances).
// `conservative` is the bound custseg always used (e.g. max_abs + |mean|), which keeps the bits of
// every earlier result; `tight` the largest deviation the data can have (from its extremes). With
// a large common offset (timestamps near 1.7e9 spread 1e3, account numbers near 4.2e12 spread 200)
// the conservative bound's square puts the grid above the squared deviations themselves and the
// variance rounds to 0; so when it exceeds the tight one by more than 2^20 (20 bits lost), twice
// the tight one is used (the factor covers the rounding of x - mean).
inline double deviation_bound(double conservative, double tight) {
  if (!(tight >= 0.0)) return conservative;  // no values
  return tight * 0x1p20 < conservative ? 2.0 * tight : conservative;
}

}  // namespace custseg
