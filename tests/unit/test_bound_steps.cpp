// The bound-based steps (Hamerly, Yinyang) against Lloyd on one process, no MPI (after mlpack's
// HamerlyTest, but stricter): from the same centroids, at every iteration, identical labels and
// identical exact sums and counts, and the bounds must actually prune. tests/mpi/
// test_kmeans_variants.cpp runs the same comparison across 1-4 ranks.
#include <gtest/gtest.h>

#include <cmath>

#include "custseg/kmeans/bound_steps.hpp"
#include "custseg/kmeans/lloyd_step.hpp"
#include "custseg/util/rng.hpp"

using namespace custseg;
using namespace custseg::kmeans;

namespace {

// A mixture of `groups` Gaussian blobs in d dimensions, keyed by row (deterministic).
data::FeatureMatrix mixture(std::size_t n, std::size_t d, std::size_t groups, data::Precision precision) {
  data::FeatureMatrix x;
  x.rows = n;
  x.dims = d;
  x.values.resize(n * d);
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint64_t g = rng::bits(3, 1, i) % groups;
    for (std::size_t j = 0; j < d; ++j)
      x.values[i * d + j] = 4.0 * rng::uniform(3, 100 + j, g) + 0.4 * rng::normal(3, 200 + j, i);
  }
  x.store_as(precision);
  return x;
}

// Many exact ties: coordinates on a coarse lattice.
data::FeatureMatrix lattice(std::size_t n, std::size_t d) {
  data::FeatureMatrix x;
  x.rows = n;
  x.dims = d;
  x.values.resize(n * d);
  for (std::size_t i = 0; i < n * d; ++i) x.values[i] = static_cast<double>(rng::bits(5, 0, i) % 7) * 0.5;
  return x;
}

std::vector<double> first_rows(const data::FeatureMatrix& x, std::size_t k) {
  std::vector<double> c(k * x.dims);
  data::visit_rows(x, [&](const auto* rows) {
    for (std::size_t i = 0; i < c.size(); ++i) c[i] = static_cast<double>(rows[i]);
  });
  return c;
}

std::vector<double> max_abs_of(const data::FeatureMatrix& x) {
  std::vector<double> m(x.dims, 0.0);
  data::visit_rows(x, [&](const auto* rows) {
    for (std::size_t i = 0; i < x.rows; ++i)
      for (std::size_t j = 0; j < x.dims; ++j) m[j] = std::max(m[j], std::abs(static_cast<double>(rows[i * x.dims + j])));
  });
  return m;
}

void expect_same_as_lloyd(const data::FeatureMatrix& x, std::size_t k, std::unique_ptr<LocalStep> fast,
                          const char* name, int iterations = 12) {
  const SumScales scales = SumScales::from_max_abs(max_abs_of(x));
  const auto lloyd = make_local_step(Algorithm::lloyd, x, k, scales);
  std::vector<double> centroids = first_rows(x, k);
  std::vector<std::int32_t> l_ref(x.rows), l_fast(x.rows);
  int pruned = 0;
  for (int it = 0; it < iterations; ++it) {
    const LocalPass ref = lloyd->run(centroids, l_ref);
    const LocalPass got = fast->run(centroids, l_fast);
    EXPECT_EQ(ref.rows_searched, x.rows);
    EXPECT_LE(got.rows_searched, x.rows);
    if (got.rows_searched < x.rows) ++pruned;
    ASSERT_EQ(l_ref, l_fast) << name << " k " << k << " iteration " << it;  // no collective here: ASSERT is safe
    EXPECT_TRUE(ref.sums.sums == got.sums.sums) << name << " iteration " << it;
    EXPECT_TRUE(ref.sums.counts == got.sums.counts) << name << " iteration " << it;
    update_centroids(ref.sums, scales, centroids);
  }
  EXPECT_GT(pruned, 0) << name << " never pruned a row";
}

}  // namespace

TEST(BoundSteps, HamerlyEqualsLloydEveryIteration) {
  for (auto precision : {data::Precision::float32, data::Precision::float64}) {
    const data::FeatureMatrix x = mixture(6000, 5, 6, precision);
    const SumScales scales = SumScales::from_max_abs(max_abs_of(x));
    // dense_above 2: the bounds decide at every iteration (never the full-pass fallback).
    expect_same_as_lloyd(x, 6, make_hamerly_step(x, 6, scales, 2.0), "hamerly");
    expect_same_as_lloyd(x, 6, make_hamerly_step(x, 6, scales), "hamerly (default fallback)");
  }
}

TEST(BoundSteps, YinyangEqualsLloydEveryIteration) {
  for (auto precision : {data::Precision::float32, data::Precision::float64}) {
    // k = 40, d = 16: three groups of centroids, so the group filter is exercised.
    const data::FeatureMatrix x = mixture(6000, 16, 40, precision);
    const SumScales scales = SumScales::from_max_abs(max_abs_of(x));
    expect_same_as_lloyd(x, 40, make_yinyang_step(x, 40, scales, 2.0), "yinyang");
  }
}

TEST(BoundSteps, ExactTiesGoToTheLowestIndex) {
  const data::FeatureMatrix x = lattice(4000, 3);
  const SumScales scales = SumScales::from_max_abs(max_abs_of(x));
  expect_same_as_lloyd(x, 9, make_hamerly_step(x, 9, scales, 2.0), "hamerly on a lattice", 6);
  expect_same_as_lloyd(x, 9, make_yinyang_step(x, 9, scales, 2.0), "yinyang on a lattice", 6);
}
