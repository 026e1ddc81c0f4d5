// Exact per-segment quantiles across ranks: bitwise equal to a serial sort with numpy's 'linear'
// convention at every rank count (ctest runs this at 1-4 ranks), including ties, negative zero,
// empty segments, single-row segments and ranks that hold no rows.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "custseg/io/partition.hpp"
#include "custseg/mpi/communicator.hpp"
#include "custseg/stats/quantiles.hpp"
#include "custseg/util/rng.hpp"

namespace {

using custseg::mpi::Communicator;
namespace stats = custseg::stats;

struct Data {
  std::vector<double> values;
  std::vector<std::int32_t> labels;
};

// The whole table, built identically on every rank from a fixed seed.
Data make_data(std::size_t n, std::size_t k, std::uint64_t seed) {
  Data d;
  for (std::size_t i = 0; i < n; ++i) {
    const double u = custseg::rng::uniform(seed, 1, i);
    double v;
    switch (i % 5) {
      case 0: v = std::round(u * 20.0); break;                  // many ties
      case 1: v = -1e3 * u; break;                               // negatives
      case 2: v = (i % 2) ? 0.0 : -0.0; break;                   // signed zeros
      case 3: v = std::exp(20.0 * custseg::rng::normal(seed, 2, i)); break;  // huge range
      default: v = custseg::rng::normal(seed, 3, i);
    }
    d.values.push_back(v);
    // Segment k-1 is left empty; about 5% of rows are dropped (-1).
    const auto label = static_cast<std::int32_t>(custseg::rng::bits(seed, 4, i) % (k - 1));
    d.labels.push_back(custseg::rng::uniform(seed, 5, i) < 0.05 ? -1 : label);
  }
  return d;
}

std::vector<std::vector<double>> serial_reference(const Data& d, std::size_t k) {
  std::vector<std::vector<double>> groups(k + 1);
  for (std::size_t i = 0; i < d.values.size(); ++i) {
    if (d.labels[i] < 0) continue;
    groups[static_cast<std::size_t>(d.labels[i])].push_back(d.values[i]);
    groups[k].push_back(d.values[i]);
  }
  std::vector<std::vector<double>> out(k + 1);
  for (std::size_t g = 0; g <= k; ++g) {
    auto& v = groups[g];
    std::sort(v.begin(), v.end());
    for (double p : stats::kProfileProbabilities) {
      if (v.empty()) {
        out[g].push_back(std::nan(""));
        continue;
      }
      const double h = p * static_cast<double>(v.size() - 1);
      const auto lo = static_cast<std::size_t>(std::floor(h));
      const std::size_t hi = std::min(lo + 1, v.size() - 1);
      out[g].push_back(stats::interpolate_linear(v[lo], v[hi], h - std::floor(h)));
    }
  }
  return out;
}

void expect_same(double a, double b, const std::string& where) {
  if (std::isnan(b)) {
    EXPECT_TRUE(std::isnan(a)) << where;
  } else {
    EXPECT_EQ(a, b) << where;  // exact: no tolerance
  }
}

void check(std::size_t n, std::size_t k, std::uint64_t seed) {
  const Communicator comm;
  const Data all = make_data(n, k, seed);
  const auto block = custseg::io::block_for_rank(n, comm.rank(), comm.size());
  const std::vector<double> values(all.values.begin() + static_cast<std::ptrdiff_t>(block.begin),
                                   all.values.begin() + static_cast<std::ptrdiff_t>(block.end()));
  const std::vector<std::int32_t> labels(all.labels.begin() + static_cast<std::ptrdiff_t>(block.begin),
                                         all.labels.begin() + static_cast<std::ptrdiff_t>(block.end()));
  const auto got = stats::group_quantiles(comm, values, labels, k, stats::kProfileProbabilities);
  const auto want = serial_reference(all, k);
  ASSERT_EQ(got.size(), k + 1);  // same on every rank, no collective skipped
  for (std::size_t g = 0; g <= k; ++g)
    for (std::size_t q = 0; q < stats::kProfileProbabilities.size(); ++q)
      expect_same(got[g][q], want[g][q], "n=" + std::to_string(n) + " group " + std::to_string(g) + " q" + std::to_string(q));
}

TEST(ExactQuantiles, MatchSerialSortOnTiesNegativesAndWideRanges) { check(5003, 6, 11); }

TEST(ExactQuantiles, FewerRowsThanRanksAndSingleRowGroups) {
  check(1, 3, 3);  // at 2-4 ranks most ranks hold no row
  check(3, 3, 4);
}

}  // namespace
