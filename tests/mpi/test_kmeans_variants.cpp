// Every exact variant (Hamerly, Yinyang) against Lloyd, at every iteration, from the same
// centroids: identical labels on every rank and identical global sums and counts (the integers
// the next centroids are computed from). Data: a Gaussian mixture keyed by global row, in
// float32 and float64, plus a lattice with many exact ties. Run at 1-4 ranks.
#include <gtest/gtest.h>

#include <mpi.h>

#include <cstring>

#include "custseg/kmeans/bound_steps.hpp"
#include "custseg/kmeans/driver.hpp"
#include "custseg/kmeans/lloyd_step.hpp"
#include "custseg/mpi/communicator.hpp"
#include "custseg/util/log.hpp"
#include "mpi_test_data.hpp"

using namespace custseg;
using namespace custseg::kmeans;

namespace {

// Centroids: the first k rows of the global data (every rank builds them the same way).
std::vector<double> first_rows(const data::FeatureMatrix& all, std::size_t k) {
  std::vector<double> c(k * all.dims);
  data::visit_rows(all, [&](const auto* rows) {
    for (std::size_t i = 0; i < k * all.dims; ++i) c[i] = static_cast<double>(rows[i]);
  });
  return c;
}

data::FeatureMatrix lattice_rows(const io::RowBlock& block, std::size_t d) {
  data::FeatureMatrix m;
  m.rows = block.count;
  m.dims = d;
  m.global_begin = block.begin;
  m.values.resize(m.rows * d);
  for (std::size_t i = 0; i < m.rows; ++i)
    for (std::size_t j = 0; j < d; ++j)
      m.values[i * d + j] = static_cast<double>(rng::bits(5, j, block.begin + i) % 7) * 0.5;
  return m;
}

// Runs Lloyd and `variant` side by side for `iterations`, comparing every iteration.
void expect_same_as_lloyd(const mpi::Communicator& comm, Algorithm variant, const data::FeatureMatrix& x,
                          std::vector<double> centroids, std::size_t k, int iterations) {
  const SumScales scales = SumScales::from_max_abs(global_max_abs(comm, x));
  const auto lloyd = make_local_step(Algorithm::lloyd, x, k, scales);
  // Hamerly with its dense fallback disabled, so the bounds decide at every iteration.
  const auto fast = variant == Algorithm::hamerly ? make_hamerly_step(x, k, scales, 2.0)
                                                  : make_local_step(variant, x, k, scales);
  std::vector<std::int32_t> l_ref(x.rows), l_fast(x.rows);
  int pruned_iterations = 0;
  for (int it = 0; it < iterations; ++it) {
    const ClusterSums ref = reduce_sums(comm, lloyd->run(centroids, l_ref)).sums;  // all ranks reach both
    const LocalPass fast_pass = fast->run(centroids, l_fast);
    const bool pruned_here = fast_pass.rows_searched < x.rows;
    const ClusterSums got = reduce_sums(comm, fast_pass).sums;
    bool same_labels = l_ref == l_fast;
    EXPECT_TRUE(same_labels) << to_string(variant) << " k " << k << " iteration " << it << " rank " << comm.rank();
    for (std::size_t i = 0; i < x.rows && !same_labels; ++i)
      if (l_ref[i] != l_fast[i]) {
        ADD_FAILURE() << "first differing row " << i << ": lloyd " << l_ref[i] << ", " << to_string(variant) << " " << l_fast[i];
        break;
      }
    EXPECT_TRUE(ref.sums == got.sums) << to_string(variant) << " iteration " << it;
    EXPECT_TRUE(ref.counts == got.counts) << to_string(variant) << " iteration " << it;
    if (pruned_here) ++pruned_iterations;
    update_centroids(ref, scales, centroids);
  }
  // The test must exercise the bounds, not only the full search (on some rank).
  const auto pruned = comm.sum(static_cast<std::int64_t>(pruned_iterations));
  EXPECT_GT(pruned, 0) << to_string(variant) << " never pruned a row";
}

}  // namespace

TEST(KMeansVariants, SameLabelsAsLloydEveryIterationFloat32) {
  const mpi::Communicator world;
  const std::uint64_t n = 6007;
  const std::size_t d = 16;
  data::FeatureMatrix x = custseg::testing::mixture_rows(21, io::block_for_rank(n, world.rank(), world.size()), d, 6);
  x.store_as(data::Precision::float32);
  data::FeatureMatrix all = custseg::testing::mixture_rows(21, io::RowBlock{0, n}, d, 6);
  all.store_as(data::Precision::float32);
  for (std::size_t k : {3, 16, 40}) {
    expect_same_as_lloyd(world, Algorithm::hamerly, x, first_rows(all, k), k, 12);
    expect_same_as_lloyd(world, Algorithm::yinyang, x, first_rows(all, k), k, 12);
  }
}

TEST(KMeansVariants, SameLabelsAsLloydEveryIterationFloat64) {
  const mpi::Communicator world;
  const std::uint64_t n = 4001;
  const std::size_t d = 8;
  const data::FeatureMatrix x =
      custseg::testing::mixture_rows(22, io::block_for_rank(n, world.rank(), world.size()), d, 5);
  const data::FeatureMatrix all = custseg::testing::mixture_rows(22, io::RowBlock{0, n}, d, 5);
  for (std::size_t k : {5, 24}) {
    expect_same_as_lloyd(world, Algorithm::hamerly, x, first_rows(all, k), k, 10);
    expect_same_as_lloyd(world, Algorithm::yinyang, x, first_rows(all, k), k, 10);
  }
}

TEST(KMeansVariants, SameLabelsAsLloydWithManyExactTies) {
  const mpi::Communicator world;
  const std::uint64_t n = 3000;
  const std::size_t d = 12;
  data::FeatureMatrix x = lattice_rows(io::block_for_rank(n, world.rank(), world.size()), d);
  x.store_as(data::Precision::float32);
  data::FeatureMatrix all = lattice_rows(io::RowBlock{0, n}, d);
  all.store_as(data::Precision::float32);
  expect_same_as_lloyd(world, Algorithm::hamerly, x, first_rows(all, 20), 20, 8);
  expect_same_as_lloyd(world, Algorithm::yinyang, x, first_rows(all, 30), 30, 8);
}

TEST(KMeansVariants, FitGivesTheSameModelWithEveryAlgorithmAndRankCount) {
  const mpi::Communicator world;
  const mpi::Communicator self(MPI_COMM_SELF);
  const std::uint64_t n = 5003;
  const std::size_t d = 16, k = 12;
  const io::RowBlock mine = io::block_for_rank(n, world.rank(), world.size());
  const Logger quiet(world.rank(), Verbosity::quiet);
  KMeansOptions o;
  o.k = k;
  o.seed = 5;
  o.n_init = 1;
  o.max_iter = 40;
  auto fit_with = [&](const mpi::Communicator& comm, const io::RowBlock& block, Algorithm a) {
    data::FeatureMatrix x = custseg::testing::mixture_rows(23, block, d, 7);
    x.store_as(data::Precision::float32);
    o.algorithm = a;
    return fit(comm, x, o, 1.0, quiet);
  };
  const KMeansResult serial = fit_with(self, io::RowBlock{0, n}, Algorithm::lloyd);
  for (Algorithm a : {Algorithm::lloyd, Algorithm::hamerly, Algorithm::yinyang}) {
    const KMeansResult r = fit_with(world, mine, a);
    EXPECT_EQ(std::memcmp(r.centroids.data(), serial.centroids.data(), r.centroids.size() * sizeof(double)), 0)
        << to_string(a);
    EXPECT_EQ(r.iterations, serial.iterations) << to_string(a);
    EXPECT_EQ(r.inertia, serial.inertia) << to_string(a);
    EXPECT_EQ(r.counts, serial.counts) << to_string(a);
    // EXPECT and carry on, never ASSERT: the next algorithm's fit is collective, and a rank that
    // returned early would strand the others in it.
    EXPECT_EQ(r.labels.size(), mine.count) << to_string(a);
    if (r.labels.size() != mine.count) continue;
    for (std::size_t i = 0; i < mine.count; ++i) {
      if (r.labels[i] == serial.labels[mine.begin + i] && r.distance2[i] == serial.distance2[mine.begin + i]) continue;
      EXPECT_EQ(r.labels[i], serial.labels[mine.begin + i]) << to_string(a) << " row " << mine.begin + i;
      EXPECT_EQ(r.distance2[i], serial.distance2[mine.begin + i]) << to_string(a) << " row " << mine.begin + i;
      break;  // the first differing row says enough
    }
  }
}
