// Fewer distinct rows than k (duplicate customers) in the distributed driver, at 1-4 ranks: the
// fit ends as soon as every row sits on its centroid, with one cluster per distinct row, and the
// clusters and their sizes equal an independent count of the distinct rows (std::map).
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <map>

#include "custseg/kmeans/driver.hpp"
#include "custseg/util/error.hpp"
#include "custseg/util/log.hpp"
#include "mpi_test_data.hpp"

using namespace custseg;

namespace {

constexpr std::uint64_t kRows = 203;
constexpr std::size_t kDims = 2;
// Six distinct customers; the two close pairs make a poor start likely to leave empty clusters.
const std::vector<std::array<double, kDims>> kPoints{{0, 0}, {0, 1}, {5, 5}, {5, 6}, {10, 0}, {-3, 8}};

std::size_t point_of(std::uint64_t row) { return rng::bits(42, 7, row) % kPoints.size(); }

data::FeatureMatrix duplicate_rows(const io::RowBlock& block) {
  data::FeatureMatrix m;
  m.rows = block.count;
  m.dims = kDims;
  m.global_begin = block.begin;
  for (std::size_t i = 0; i < m.rows; ++i)
    for (double v : kPoints[point_of(block.begin + i)]) m.values.push_back(v);
  return m;
}

// The reference: how many rows hold each distinct point, over the whole table.
std::map<std::array<double, kDims>, std::int64_t> distinct_counts() {
  std::map<std::array<double, kDims>, std::int64_t> counts;
  for (std::uint64_t r = 0; r < kRows; ++r) counts[kPoints[point_of(r)]] += 1;
  return counts;
}

kmeans::KMeansResult fit_k(const data::FeatureMatrix& x, std::size_t k, kmeans::Algorithm algorithm,
                           kmeans::FewerDistinct policy = kmeans::FewerDistinct::reduce) {
  const mpi::Communicator world;
  kmeans::KMeansOptions o;
  o.k = k;
  o.seed = 5;
  o.n_init = 3;
  o.max_iter = 300;
  o.algorithm = algorithm;
  o.fewer_distinct = policy;
  return kmeans::fit(world, x, o, 1.0, Logger(world.rank(), Verbosity::quiet));
}

void expect_one_cluster_per_point(const kmeans::KMeansResult& r, const data::FeatureMatrix& x) {
  const auto reference = distinct_counts();
  ASSERT_EQ(r.clusters(), reference.size());
  ASSERT_EQ(r.centroids.size(), reference.size() * kDims);
  std::map<std::array<double, kDims>, std::int64_t> found;
  for (std::size_t c = 0; c < r.clusters(); ++c)
    found[{r.centroids[c * kDims], r.centroids[c * kDims + 1]}] = r.counts[c];
  EXPECT_EQ(found, reference);  // centroids are the points exactly, counts their multiplicities
  EXPECT_EQ(r.inertia, 0.0);
  for (std::size_t i = 0; i < x.rows; ++i) {
    const auto c = static_cast<std::size_t>(r.labels[i]);
    EXPECT_EQ(r.centroids[c * kDims], x.values[i * kDims]) << "row " << x.global_row(i);
    EXPECT_EQ(r.centroids[c * kDims + 1], x.values[i * kDims + 1]) << "row " << x.global_row(i);
  }
}

}  // namespace

TEST(FewerDistinct, KAboveDistinctRowsFitsOneSegmentPerRowAndStopsAtOnce) {
  const mpi::Communicator world;
  const data::FeatureMatrix x = duplicate_rows(io::block_for_rank(kRows, world.rank(), world.size()));
  for (auto algorithm : {kmeans::Algorithm::lloyd, kmeans::Algorithm::hamerly, kmeans::Algorithm::yinyang}) {
    SCOPED_TRACE(kmeans::to_string(algorithm));
    const kmeans::KMeansResult r = fit_k(x, 9, algorithm);
    expect_one_cluster_per_point(r, x);
    EXPECT_EQ(r.requested_k, 9u);
    EXPECT_EQ(r.distinct_rows, kPoints.size());
    EXPECT_TRUE(r.converged);
    EXPECT_LT(r.iterations, 20);  // it used to run --max-iter (300) iterations per restart
    EXPECT_EQ(r.restart_inertia.size(), 1u);  // the partition is unique: no further restart
  }
}

TEST(FewerDistinct, KEqualToDistinctRowsNeedsNoReduction) {
  const mpi::Communicator world;
  const data::FeatureMatrix x = duplicate_rows(io::block_for_rank(kRows, world.rank(), world.size()));
  const kmeans::KMeansResult r = fit_k(x, kPoints.size(), kmeans::Algorithm::lloyd);
  expect_one_cluster_per_point(r, x);
  EXPECT_EQ(r.distinct_rows, 0u);
  EXPECT_TRUE(r.converged);
}

TEST(FewerDistinct, Float32StorageGivesTheSameSegments) {
  const mpi::Communicator world;
  data::FeatureMatrix x = duplicate_rows(io::block_for_rank(kRows, world.rank(), world.size()));
  const data::FeatureMatrix x64 = x;
  x.store_as(data::Precision::float32);
  const kmeans::KMeansResult r = fit_k(x, 12, kmeans::Algorithm::lloyd);
  expect_one_cluster_per_point(r, x64);
  EXPECT_EQ(r.distinct_rows, kPoints.size());
}

TEST(FewerDistinct, PolicyFailIsTheSameInputErrorOnEveryRank) {
  const mpi::Communicator world;
  const data::FeatureMatrix x = duplicate_rows(io::block_for_rank(kRows, world.rank(), world.size()));
  int code = 0;
  std::string message;
  try {
    fit_k(x, 9, kmeans::Algorithm::lloyd, kmeans::FewerDistinct::fail);
  } catch (const Error& e) {
    code = static_cast<int>(e.code());
    message = e.what();
  }
  EXPECT_EQ(code, static_cast<int>(ExitCode::input)) << "rank " << world.rank();
  EXPECT_NE(message.find("6 distinct"), std::string::npos) << "rank " << world.rank() << ": " << message;
}
