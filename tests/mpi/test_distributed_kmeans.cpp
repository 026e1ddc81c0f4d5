// Distributed standardization and k-means against a serial reference: each rank also runs the
// whole problem alone (MPI_COMM_SELF) and the two must agree bit for bit.
#include <gtest/gtest.h>

#include <cstring>

#include "custseg/data/scaling_fit.hpp"
#include "custseg/data/transform.hpp"
#include "custseg/kmeans/driver.hpp"
#include "custseg/util/log.hpp"
#include "mpi_test_data.hpp"

using namespace custseg;

namespace {
bool bitwise_equal(const std::vector<double>& a, const std::vector<double>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0;
}

struct Fitted {
  data::FeatureScaling scaling;
  kmeans::KMeansResult result;
};

Fitted fit_on(const mpi::Communicator& comm, data::FeatureMatrix x, std::size_t k) {
  const std::size_t d = x.dims;
  std::vector<std::string> names(d, "f");
  data::apply_transforms(std::vector<data::TransformKind>(d, data::TransformKind::none), x);
  Fitted out;
  out.scaling = data::fit_scaling(comm, x, names, std::vector<data::TransformKind>(d, data::TransformKind::none));
  data::standardize(out.scaling, x);
  kmeans::KMeansOptions o;
  o.k = k;
  o.seed = 11;
  o.n_init = 2;
  o.max_iter = 50;
  const Logger quiet(comm.rank(), Verbosity::quiet);
  out.result = kmeans::fit(comm, x, o, 1.0, quiet);
  return out;
}
}  // namespace

TEST(DistributedKMeans, MatchesSerialReferenceBitForBit) {
  const mpi::Communicator world;
  const mpi::Communicator self(MPI_COMM_SELF);
  const std::uint64_t n = 3001;
  const std::size_t d = 3, k = 4;
  const io::RowBlock mine = io::block_for_rank(n, world.rank(), world.size());

  const Fitted distributed = fit_on(world, custseg::testing::mixture_rows(7, mine, d, 4), k);
  const Fitted serial = fit_on(self, custseg::testing::mixture_rows(7, io::RowBlock{0, n}, d, 4), k);

  EXPECT_TRUE(bitwise_equal(distributed.scaling.mean, serial.scaling.mean));
  EXPECT_TRUE(bitwise_equal(distributed.scaling.scale, serial.scaling.scale));
  EXPECT_TRUE(bitwise_equal(distributed.result.centroids, serial.result.centroids));
  EXPECT_EQ(distributed.result.inertia, serial.result.inertia);
  EXPECT_EQ(distributed.result.iterations, serial.result.iterations);
  EXPECT_EQ(distributed.result.counts, serial.result.counts);
  ASSERT_EQ(distributed.result.labels.size(), mine.count);
  for (std::size_t i = 0; i < mine.count; ++i)
    EXPECT_EQ(distributed.result.labels[i], serial.result.labels[mine.begin + i]) << "row " << mine.begin + i;
}

TEST(DistributedKMeans, RecoversWellSeparatedGroups) {
  const mpi::Communicator world;
  const std::uint64_t n = 4000;
  const io::RowBlock mine = io::block_for_rank(n, world.rank(), world.size());
  const Fitted f = fit_on(world, custseg::testing::mixture_rows(3, mine, 2, 3), 3);
  EXPECT_TRUE(f.result.converged);
  // Three groups of about n/3 rows each.
  for (auto c : f.result.counts) EXPECT_NEAR(static_cast<double>(c), n / 3.0, n * 0.05);
}
