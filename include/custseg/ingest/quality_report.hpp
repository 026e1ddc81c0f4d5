#pragma once
// The data-quality report of a transaction ingest: where every row went (pure; rendered on rank 0
// from globally reduced counts).
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "custseg/ingest/transactions.hpp"

namespace custseg::ingest {

struct QualityReport {
  std::string input;
  std::uint64_t rows = 0;
  std::uint64_t blank_lines = 0;
  std::array<std::uint64_t, kDispositions> count{};
  std::array<std::vector<std::uint64_t>, kDispositions> first_lines;
  std::string first_transaction, last_transaction;  // over all rows with a readable date
  std::string as_of, churn_after;                   // churn_after empty: no churn label
  std::uint64_t customers = 0;
  std::uint64_t customers_without_purchases = 0;
  std::int64_t gross = 0, returned = 0;  // 10^-4 units, exact
  // Exact duplicate rows (every field equal to an earlier row of the same customer; rows set
  // aside before a customer is known are not compared): copies by the disposition they had.
  std::array<std::uint64_t, kDispositions> duplicates{};
  bool duplicates_dropped = false;  // --dedupe: the copies are not in count[] nor in the sums
  [[nodiscard]] std::uint64_t duplicate_rows() const;
  // Things a person should look at that are not errors (an --as-of date far past the log's end).
  std::vector<std::string> warnings;

  [[nodiscard]] std::uint64_t set_aside() const;
  [[nodiscard]] std::uint64_t accounted() const;  // == rows when every row is counted once
};

nlohmann::json to_json(const QualityReport& report);
// A few lines for the console: rows, each non-empty reason with its first lines, customers.
std::string console_summary(const QualityReport& report);
// Exact decimal text of a 10^-4 money amount ("9747747.9300").
std::string money_text(std::int64_t units);

}  // namespace custseg::ingest
