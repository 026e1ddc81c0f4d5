#pragma once
// Automatic typing of the columns of an aggregated customer table (pure, no MPI).
//
// A column is integer if every non-missing value is a whole number, float if every non-missing
// value is a number, and categorical otherwise. The type must be the same whatever rows a rank
// holds, so each rank summarises its values (ColumnProfile) and the summaries are merged before
// anything is converted. Missing values (empty, NA, N/A, NaN, null; any case) are counted and
// written as NaN, which makes an integer column with gaps a float64 column.
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace custseg::ingest {

bool is_missing(std::string_view value);
std::optional<std::int64_t> parse_integer(std::string_view value);
std::optional<double> parse_number(std::string_view value);  // finite decimals, exponents allowed

// "Annual Income (k$)" -> "annual_income_k": lower case, runs of other characters become one
// '_', no '_' at either end; a leading digit gets "col_" in front.
std::string column_name(std::string_view header);

enum class ColumnType { int32, int64, float64, categorical };
const char* to_string(ColumnType t);

// Mergeable summary of one column's values (sums, minima and "all" flags merge exactly).
struct ColumnProfile {
  std::uint64_t values = 0;   // non-missing
  std::uint64_t missing = 0;
  bool all_integer = true;
  bool all_number = true;
  std::int64_t min = std::numeric_limits<std::int64_t>::max();
  std::int64_t max = std::numeric_limits<std::int64_t>::min();

  void add(std::string_view value);
  void merge(const ColumnProfile& other);
  [[nodiscard]] ColumnType type() const;
};

// Customer ids of an aggregated table: "C10001" -> prefix "C", number 10001. The prefix is the
// leading run of non-digits; every id of a table must have the same one (checked by the caller
// across ranks), and the rest must be an integer (parse_id rules). nullopt when not of that form.
struct SplitId {
  std::string prefix;
  std::uint64_t number = 0;
};
std::optional<SplitId> split_id(std::string_view value);

}  // namespace custseg::ingest
