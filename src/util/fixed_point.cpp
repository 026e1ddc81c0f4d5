#include "custseg/util/fixed_point.hpp"

#include <algorithm>

namespace custseg {

FixedPoint FixedPoint::for_max_abs(double max_abs) {
  if (!(max_abs > 0.0) || !std::isfinite(max_abs)) return FixedPoint(0);
  // |x| < 2^(ilogb(max_abs)+1), so x * 2^(61 - ilogb) < 2^62.
  return FixedPoint(61 - std::ilogb(max_abs));
}

SquareScale SquareScale::for_bound(double bound) {
  SquareScale s;
  // Bounds beyond double's normal range stay unshifted: 2^-shift must be a normal double.
  if (bound > 0.0 && std::isfinite(bound)) s.shift = std::max(-1000, std::min(1000, std::ilogb(bound)));
  s.prescale = std::ldexp(1.0, -s.shift);
  const double b = bound * s.prescale;
  s.scale = FixedPoint::for_max_abs(b * b);
  return s;
}

}  // namespace custseg
