#include "custseg/util/fixed_point.hpp"

namespace custseg {

FixedPoint FixedPoint::for_max_abs(double max_abs) {
  if (!(max_abs > 0.0) || !std::isfinite(max_abs)) return FixedPoint(0);
  // |x| < 2^(ilogb(max_abs)+1), so x * 2^(61 - ilogb) < 2^62.
  return FixedPoint(61 - std::ilogb(max_abs));
}

}  // namespace custseg
