#include "custseg/stats/fairness.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>

#include "custseg/mpi/alltoallv.hpp"
#include "custseg/mpi/collective_guard.hpp"
#include "custseg/stats/fairness_tally.hpp"
#include "custseg/stats/quantiles.hpp"
#include "custseg/util/error.hpp"
#include "custseg/util/number_text.hpp"

namespace custseg::stats {

namespace {

// Significant digits of the numbers in group labels ("income < 52341.5"): enough to tell the
// bands apart, short enough to read.
constexpr int kLabelDigits = 6;

// The distinct values of an integer-coded column (channel 1/2, region 1..3) over all ranks, when
// every known value is a whole number and there are at most kMaxIntegerCodes of them; empty
// otherwise. One collective: each rank sends its distinct values, or the marker -inf when its own
// rows already rule codes out, so every rank takes the same decision from the same union.
std::vector<double> integer_codes(const mpi::Communicator& comm, std::span<const double> values,
                                  std::span<const std::int32_t> population_labels) {
  constexpr double kNotCodes = -std::numeric_limits<double>::infinity();
  std::set<double> local;
  for (std::size_t i = 0; i < values.size() && local.size() <= kMaxIntegerCodes; ++i) {
    if (population_labels[i] < 0) continue;
    const double v = values[i];
    if (v != std::floor(v) || std::abs(v) > 1e15) {
      local = {kNotCodes};
      break;
    }
    local.insert(v);
  }
  if (local.size() > kMaxIntegerCodes) local = {kNotCodes};
  const std::vector<double> mine(local.begin(), local.end());
  const std::vector<double> all = comm.allgatherv(mine);
  const std::set<double> global(all.begin(), all.end());
  if (global.count(kNotCodes) || global.size() > kMaxIntegerCodes) return {};
  return {global.begin(), global.end()};
}
}  // namespace

FairnessAudit fairness_audit(const mpi::Communicator& comm, const std::string& column,
                             std::vector<std::string> group_labels, std::span<const std::int32_t> group_codes,
                             std::span<const std::int32_t> labels, std::size_t k, double threshold) {
  FairnessAudit a;
  a.column = column;
  a.groups = std::move(group_labels);
  a.threshold = threshold;
  std::vector<std::int64_t> tally = tally_groups(group_codes, labels, k, a.groups.size());
  comm.allreduce_sum(tally);  // all ranks must reach this, even with zero rows
  audit_from_tally(a, tally, k);
  return a;
}

ProtectedGroups banded_groups(const std::string& column, std::span<const double> values, const std::vector<double>& cuts) {
  ProtectedGroups out;
  for (std::size_t b = 0; b <= cuts.size(); ++b) {
    if (b == 0) out.labels.push_back(column + " < " + number_text(cuts[0], kLabelDigits));
    else if (b == cuts.size()) out.labels.push_back(column + " >= " + number_text(cuts[b - 1], kLabelDigits));
    else out.labels.push_back(number_text(cuts[b - 1], kLabelDigits) + " <= " + column + " < " + number_text(cuts[b], kLabelDigits));
  }
  out.codes.assign(values.size(), -1);
  for (std::size_t i = 0; i < values.size(); ++i)
    if (!std::isnan(values[i]))
      out.codes[i] = static_cast<std::int32_t>(std::upper_bound(cuts.begin(), cuts.end(), values[i]) - cuts.begin());
  return out;
}

ProtectedGroups protected_groups(const mpi::Communicator& comm, const std::string& column,
                                 std::span<const double> values, const std::vector<std::string>& categories,
                                 std::span<const std::int32_t> labels) {
  ProtectedGroups out;
  out.codes.assign(values.size(), -1);
  if (!categories.empty()) {
    out.labels = categories;
    mpi::agree(comm, [&] {
      for (std::size_t i = 0; i < values.size(); ++i) {
        const double v = values[i];
        if (std::isnan(v)) continue;  // unknown group: left out of the audit
        if (v != std::floor(v) || v < 0 || v >= static_cast<double>(categories.size()))
          throw_input("protected column '" + column + "' has code " + number_text(v, kLabelDigits) + ", outside its " +
                      std::to_string(categories.size()) + " categories");
        out.codes[i] = static_cast<std::int32_t>(v);
      }
    });
    return out;
  }
  std::vector<double> finite(values.begin(), values.end());
  std::vector<std::int32_t> population_labels(values.size(), -1);
  for (std::size_t i = 0; i < values.size(); ++i)
    if (labels[i] >= 0 && std::isfinite(values[i])) population_labels[i] = 0;
    else finite[i] = 0.0;
  // Integer codes without a categories attribute (Wholesale's channel and region): one group per
  // code. Quartiles of codes would make empty or merged groups ("channel > 2"; issue 13).
  if (const std::vector<double> codes = integer_codes(comm, values, population_labels); !codes.empty()) {
    for (double c : codes) out.labels.push_back(column + " = " + number_text(c, kLabelDigits));
    for (std::size_t i = 0; i < values.size(); ++i)
      if (population_labels[i] >= 0)
        out.codes[i] = static_cast<std::int32_t>(std::lower_bound(codes.begin(), codes.end(), values[i]) - codes.begin());
    return out;
  }
  // Other numeric columns: bands at the exact population quartiles, ignoring unknown values.
  constexpr double kQuartiles[] = {0.25, 0.5, 0.75};
  const auto q = group_quantiles(comm, finite, population_labels, 1, kQuartiles)[1];
  std::vector<double> cuts;
  for (double c : q)
    if (std::isfinite(c) && (cuts.empty() || c > cuts.back())) cuts.push_back(c);
  for (std::size_t b = 0; b <= cuts.size(); ++b) {
    if (b == 0) out.labels.push_back(column + " <= " + number_text(cuts.empty() ? 0 : cuts[0], kLabelDigits));
    else if (b == cuts.size()) out.labels.push_back(column + " > " + number_text(cuts[b - 1], kLabelDigits));
    else out.labels.push_back(number_text(cuts[b - 1], kLabelDigits) + " < " + column + " <= " + number_text(cuts[b], kLabelDigits));
  }
  if (cuts.empty()) out.labels = {column + " (all)"};
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (population_labels[i] < 0) continue;
    out.codes[i] = static_cast<std::int32_t>(std::lower_bound(cuts.begin(), cuts.end(), values[i]) - cuts.begin());
  }
  return out;
}

ProtectedGroups text_groups(const mpi::Communicator& comm, const std::string& column,
                            const std::vector<std::string>& values) {
  // Each rank's distinct values (few, for a categorical column), shared with every rank: all
  // ranks then hold the same sorted labels and code their rows alike.
  std::set<std::string> local;
  for (const auto& v : values)
    if (!v.empty()) local.insert(v);
  mpi::agree(comm, [&] {
    if (local.size() > kMaxTextGroups)
      throw_input("protected column '" + column + "' has more than " + std::to_string(kMaxTextGroups) +
                  " distinct values: a protected column must be categorical");
  });
  const mpi::ReceivedBytes all = mpi::allgatherv_bytes(comm, mpi::pack_strings({local.begin(), local.end()}));
  std::set<std::string> global;
  for (const auto& v : mpi::unpack_strings(all.bytes.data(), all.bytes.size())) global.insert(v);
  mpi::agree(comm, [&] {
    if (global.size() > kMaxTextGroups)
      throw_input("protected column '" + column + "' has " + std::to_string(global.size()) +
                  " distinct values: a protected column must be categorical (at most " +
                  std::to_string(kMaxTextGroups) + ")");
  });
  ProtectedGroups out;
  out.labels.assign(global.begin(), global.end());
  out.codes.assign(values.size(), -1);
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (values[i].empty()) continue;
    out.codes[i] = static_cast<std::int32_t>(std::lower_bound(out.labels.begin(), out.labels.end(), values[i]) -
                                             out.labels.begin());
  }
  return out;
}

}  // namespace custseg::stats
