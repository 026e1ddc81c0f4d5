#pragma once
// What the options ask the per-segment statistics to show besides the features (plain data, no
// MPI): KPI, protected and --profile columns as comma lists, and declared --bands.
#include <map>
#include <string>
#include <vector>

namespace custseg::stats {

struct ProfileRequest {
  std::string kpi, protected_columns, profile, bands;
};

// --bands 'age:18,25,35,50,65; tenure_days:90,365': per column, strictly increasing finite cuts.
// Usage errors naming the item: no ':', a column twice, a cut that is not a number, cuts not
// increasing, no cuts.
std::map<std::string, std::vector<double>> parse_bands(const std::string& text);

// Splits "a, b ,c" into trimmed, non-empty items.
std::vector<std::string> split_list(const std::string& text);

}  // namespace custseg::stats
