// The blocked GEMM kernel (blocked_assign.hpp) and the chunked fixed-point accumulator against
// brute force: same labels (ties to the lowest index) and the same distance bits as
// nearest_centroid, for random rows, exact ties and near ties, wherever a row sits in a tile.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <random>

#include "custseg/kmeans/assign.hpp"
#include "custseg/kmeans/blocked_assign.hpp"
#include "custseg/kmeans/chunk_accumulator.hpp"
#include "custseg/kmeans/lloyd_step.hpp"

using namespace custseg;
using namespace custseg::kmeans;

namespace {

template <class T>
std::vector<T> random_rows(std::size_t n, std::size_t d, unsigned seed, double scale = 1.0) {
  std::mt19937_64 gen(seed);
  std::normal_distribution<double> z;
  std::vector<T> v(n * d);
  for (auto& x : v) x = static_cast<T>(scale * z(gen));
  return v;
}

// Checks the kernel against nearest_centroid row by row, with the rows placed at `offset` inside
// a larger buffer and assigned in one call (so each row meets a different tile position).
template <class T>
void expect_matches_brute_force(const std::vector<T>& rows, std::size_t d, const std::vector<double>& centroids,
                                std::size_t k, std::size_t offset) {
  const std::size_t n = rows.size() / d;
  std::vector<T> shifted(offset * d, T(0));
  shifted.insert(shifted.end(), rows.begin(), rows.end());
  const CentroidPanel<T> panel(centroids, k, d);
  std::vector<std::int32_t> label(n + offset);
  std::vector<double> d2(n + offset), lb2(n + offset);
  assign_rows(shifted.data(), n + offset, panel, label.data(), d2.data(), lb2.data());
  for (std::size_t i = 0; i < n; ++i) {
    const Nearest ref = nearest_centroid(rows.data() + i * d, centroids.data(), k, d);
    ASSERT_EQ(label[offset + i], ref.label) << "row " << i << " offset " << offset;
    ASSERT_EQ(std::memcmp(&d2[offset + i], &ref.distance2, sizeof(double)), 0) << "row " << i;
    // The runner-up bound never exceeds the true distance to any other centroid.
    for (std::size_t c = 0; c < k; ++c) {
      if (static_cast<std::int32_t>(c) == ref.label) continue;
      long double s = 0;
      for (std::size_t j = 0; j < d; ++j) {
        const long double diff = static_cast<long double>(rows[i * d + j]) - centroids[c * d + j];
        s += diff * diff;
      }
      ASSERT_LE(static_cast<long double>(lb2[offset + i]), s) << "row " << i << " centroid " << c;
    }
  }
}

template <class T>
void run_random_case(std::size_t n, std::size_t d, std::size_t k, unsigned seed) {
  const auto rows = random_rows<T>(n, d, seed);
  const auto c = random_rows<double>(k, d, seed + 1);
  for (std::size_t offset : {0, 1, 7, 255}) expect_matches_brute_force(rows, d, c, k, offset);
}

}  // namespace

TEST(BlockedAssign, MatchesBruteForceFloat) {
  run_random_case<float>(1000, 16, 16, 1);
  run_random_case<float>(600, 3, 5, 2);
  run_random_case<float>(700, 32, 64, 3);
  run_random_case<float>(300, 9, 1, 4);
  // Every path of the in-register transpose (block_transpose.hpp): 16 x 8 tiles, 16 x 16 tiles,
  // both, and scalar remainders.
  run_random_case<float>(500, 8, 12, 20);
  run_random_case<float>(500, 24, 7, 21);
  run_random_case<float>(400, 27, 9, 22);
  run_random_case<float>(300, 13, 4, 23);
}

TEST(BlockedAssign, MatchesBruteForceDouble) {
  run_random_case<double>(1000, 16, 16, 5);
  run_random_case<double>(500, 8, 64, 6);
}

TEST(BlockedAssign, ExactTiesGoToTheLowestIndex) {
  // Duplicate centroids (2 == 5, 0 == 7) and lattice rows with many equidistant centroids.
  const std::size_t d = 4, k = 8;
  std::vector<double> c = random_rows<double>(k, d, 9);
  std::copy_n(c.begin() + 2 * d, d, c.begin() + 5 * d);
  std::copy_n(c.begin(), d, c.begin() + 7 * d);
  expect_matches_brute_force(random_rows<float>(800, d, 10), d, c, k, 3);

  std::vector<double> lattice_c;
  for (int a = -2; a <= 2; ++a)
    for (int b = -2; b <= 2; b += 2) lattice_c.insert(lattice_c.end(), {double(a), double(b), 0.0, 1.0});
  std::vector<float> lattice_rows;
  std::mt19937 gen(11);
  std::uniform_int_distribution<int> cell(-6, 6);
  for (int i = 0; i < 2000; ++i)
    lattice_rows.insert(lattice_rows.end(), {cell(gen) * 0.5f, cell(gen) * 0.5f, 0.0f, cell(gen) * 0.25f});
  expect_matches_brute_force(lattice_rows, d, lattice_c, lattice_c.size() / d, 0);
  expect_matches_brute_force(lattice_rows, d, lattice_c, lattice_c.size() / d, 129);
}

TEST(BlockedAssign, NearTiesBelowFloatResolutionFollowTheDirectFormula) {
  // Pairs of centroids mirrored about each row's bisector, then nudged by less than the GEMM's
  // float error: the GEMM cannot rank them, the direct formula (in double) can.
  const std::size_t d = 16, k = 6;
  std::vector<double> c = random_rows<double>(k, d, 12, 3.0);
  std::vector<float> rows;
  std::mt19937_64 gen(13);
  std::uniform_real_distribution<double> nudge(-1e-6, 1e-6);
  for (int i = 0; i < 1500; ++i) {
    // Midpoint of centroids 1 and 4 plus a small step along their bisector plane.
    std::vector<float> r(d);
    for (std::size_t j = 0; j < d; ++j) r[j] = static_cast<float>(0.5 * (c[1 * d + j] + c[4 * d + j]) + nudge(gen));
    rows.insert(rows.end(), r.begin(), r.end());
  }
  expect_matches_brute_force(rows, d, c, k, 0);
  expect_matches_brute_force(rows, d, c, k, 77);
}

TEST(BlockedAssign, LloydStepIsIndependentOfWhereRowsStart) {
  // The same rows assigned as part of a larger matrix (different tile and task boundaries)
  // give the same labels, distances and exact sums.
  const std::size_t n = 5000, d = 8, k = 12;
  const auto all = random_rows<float>(n + 333, d, 14);
  const auto c = random_rows<double>(k, d, 15);
  const auto scales = SumScales::from_max_abs(std::vector<double>(d, 8.0));
  auto make = [&](std::size_t begin, std::size_t count) {
    data::FeatureMatrix m;
    m.rows = count;
    m.dims = d;
    m.precision = data::Precision::float32;
    m.values32.assign(all.begin() + static_cast<std::ptrdiff_t>(begin * d),
                      all.begin() + static_cast<std::ptrdiff_t>((begin + count) * d));
    return m;
  };
  const auto whole = make(0, n + 333);
  const auto part = make(333, n);
  std::vector<std::int32_t> lw(n + 333), lp(n);
  std::vector<float> dw(n + 333), dp(n);
  lloyd_local_step(whole, c, k, scales, lw, dw);
  const ClusterSums sp = lloyd_local_step(part, c, k, scales, lp, dp);
  for (std::size_t i = 0; i < n; ++i) {
    ASSERT_EQ(lw[333 + i], lp[i]);
    ASSERT_EQ(dw[333 + i], dp[i]);
  }
  // Sums of the part equal a plain Int128 loop with the same truncating conversion.
  ClusterSums ref(k, d);
  for (std::size_t i = 0; i < n; ++i) {
    const auto l = static_cast<std::size_t>(lp[i]);
    for (std::size_t j = 0; j < d; ++j)
      ref.sums[l * d + j] += static_cast<Int128>(static_cast<std::int64_t>(
          static_cast<double>(part.values32[i * d + j]) * std::ldexp(1.0, scales.dim[j].exponent())));
    ref.counts[l] += 1;
  }
  EXPECT_TRUE(ref.sums == sp.sums);
  EXPECT_TRUE(ref.counts == sp.counts);
}

TEST(ChunkAccumulator, FoldsExactlyAcrossManyChunksAndSigns) {
  const std::size_t d = 3, k = 2;
  const auto scales = SumScales::from_max_abs(std::vector<double>(d, 1.0));
  ClusterSums target(k, d);
  const std::vector<double> big{0.999999, -0.999999, 0.5};
  {
    ChunkAccumulator<double> acc(scales, target);
    // Far more additions of near-maximal values than fit one int64 without folding.
    for (int i = 0; i < 100000; ++i) acc.add_row(big.data(), 0);
    for (int i = 0; i < 30000; ++i) acc.add_row(big.data(), 0, -1);
    acc.add_row(big.data(), 1);
  }
  const Int128 one = static_cast<std::int64_t>(0.999999 * std::ldexp(1.0, scales.dim[0].exponent()));
  EXPECT_TRUE(target.sums[0] == one * 70000);
  EXPECT_TRUE(target.sums[1] == -one * 70000);
  EXPECT_TRUE(target.counts[0] == 70000);
  EXPECT_TRUE(target.counts[1] == 1);
  EXPECT_NEAR(scales.dim[0].to_double(target.sums[0]), 0.999999 * 70000, 1e-6);
}
