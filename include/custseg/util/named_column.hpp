#pragma once
// A named column of per-row numbers borrowed from its owner: one rank's block of a per-customer
// figure on its way to an output (results.h5 /assignments, assignments.csv).
#include <span>
#include <string>

namespace custseg {

struct NamedColumn {
  std::string name;
  std::span<const double> values;
};

}  // namespace custseg
