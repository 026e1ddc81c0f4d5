#pragma once
// The rows of a table a run may use (--consent-column, docs/privacy.md), as a view: logical row i
// is the i-th selected physical row. Every reader maps a logical block to the physical span that
// holds its rows and keeps the selected ones, so the rest of the run sees exactly the table with
// the other rows removed (same row numbers, same partition, same results). MPI-free.
#include <cstdint>
#include <string>
#include <vector>

#include "custseg/io/partition.hpp"

namespace custseg::io {

class RowSelection {
 public:
  // `keep[r]` != 0: physical row r is selected.
  explicit RowSelection(const std::vector<std::uint8_t>& keep);
  [[nodiscard]] std::uint64_t physical_rows() const { return physical_rows_; }
  [[nodiscard]] std::uint64_t rows() const { return selected_; }  // logical rows
  [[nodiscard]] bool selected(std::uint64_t physical) const { return (words_[physical / 64] >> (physical % 64)) & 1U; }
  // The physical row of logical row `logical` (< rows()).
  [[nodiscard]] std::uint64_t physical_row(std::uint64_t logical) const;
  // The physical rows from the first to the last row of the logical block (empty for an empty block).
  [[nodiscard]] RowBlock physical_span(const RowBlock& logical) const;
  // Keeps, in order, the values of the selected rows of `span` (values[i] is physical row span.begin + i).
  template <class T>
  void keep_selected(const RowBlock& span, std::vector<T>& values) const {
    std::size_t out = 0;
    for (std::size_t i = 0; i < values.size(); ++i)
      if (selected(span.begin + i)) values[out++] = std::move(values[i]);
    values.resize(out);
  }

 private:
  std::uint64_t physical_rows_ = 0;
  std::uint64_t selected_ = 0;
  std::vector<std::uint64_t> words_;   // bit r % 64 of word r / 64: row r selected
  std::vector<std::uint64_t> before_;  // selected rows in the words before each word
};

// Why a consent value is neither 0 nor 1 ("is NaN", "is 0.5"), or empty when it is one of them.
std::string consent_value_problem(double value);

}  // namespace custseg::io
