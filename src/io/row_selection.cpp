#include "custseg/io/row_selection.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

namespace custseg::io {

RowSelection::RowSelection(const std::vector<std::uint8_t>& keep) : physical_rows_(keep.size()) {
  words_.assign((keep.size() + 63) / 64, 0);
  for (std::size_t r = 0; r < keep.size(); ++r)
    if (keep[r]) words_[r / 64] |= std::uint64_t{1} << (r % 64);
  before_.reserve(words_.size());
  for (const std::uint64_t w : words_) {
    before_.push_back(selected_);
    selected_ += static_cast<std::uint64_t>(std::popcount(w));
  }
}

std::uint64_t RowSelection::physical_row(std::uint64_t logical) const {
  // The last word with fewer selected rows before it than `logical` + 1 holds the row.
  const auto word = static_cast<std::size_t>(std::upper_bound(before_.begin(), before_.end(), logical) - before_.begin() - 1);
  std::uint64_t w = words_[word];
  for (std::uint64_t skip = logical - before_[word]; skip > 0; --skip) w &= w - 1;  // drop the lowest set bits
  return word * 64 + static_cast<std::uint64_t>(std::countr_zero(w));
}

RowBlock RowSelection::physical_span(const RowBlock& logical) const {
  if (logical.count == 0) return RowBlock{logical.begin < selected_ ? physical_row(logical.begin) : physical_rows_, 0};
  const std::uint64_t first = physical_row(logical.begin);
  return RowBlock{first, physical_row(logical.end() - 1) + 1 - first};
}

std::string consent_value_problem(double value) {
  if (value == 0.0 || value == 1.0) return {};
  if (std::isnan(value)) return "is missing (NaN)";
  return "is neither 0 nor 1";
}

}  // namespace custseg::io
