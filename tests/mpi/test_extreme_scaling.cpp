// Exact standardization statistics of extreme columns at 1-4 ranks: a large common offset
// (account numbers near 4.2e12, spread 200), tiny magnitudes (1e-300) and huge ones (1e100).
// Distributed equals serial bit for bit, and both equal an independent two-pass computation in
// long double.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

#include "custseg/data/scaling_fit.hpp"
#include "custseg/util/rng.hpp"
#include "mpi_test_data.hpp"

using namespace custseg;

namespace {

constexpr std::uint64_t kRows = 1001;
constexpr std::size_t kDims = 3;

double value(std::uint64_t row, std::size_t j) {
  const double z = rng::normal(17, j + 1, row);
  if (j == 0) return 4.2e12 + std::round(200.0 * z);
  if (j == 1) return 1e-300 * (3.0 + z);
  return 1e100 * z;
}

data::FeatureMatrix rows(const io::RowBlock& block) {
  data::FeatureMatrix m;
  m.rows = block.count;
  m.dims = kDims;
  m.global_begin = block.begin;
  for (std::size_t i = 0; i < m.rows; ++i)
    for (std::size_t j = 0; j < kDims; ++j) m.values.push_back(value(block.begin + i, j));
  return m;
}

data::FeatureScaling fit(const mpi::Communicator& comm, const data::FeatureMatrix& x) {
  return data::fit_scaling(comm, x, std::vector<std::string>(kDims, "f"),
                           std::vector<data::TransformKind>(kDims, data::TransformKind::none));
}

}  // namespace

TEST(ExtremeScaling, OffsetTinyAndHugeColumnsAreExactAndSplitIndependent) {
  const mpi::Communicator world;
  const mpi::Communicator self(MPI_COMM_SELF);
  const data::FeatureScaling distributed = fit(world, rows(io::block_for_rank(kRows, world.rank(), world.size())));
  const data::FeatureScaling serial = fit(self, rows(io::RowBlock{0, kRows}));
  EXPECT_EQ(std::memcmp(distributed.mean.data(), serial.mean.data(), kDims * sizeof(double)), 0);
  EXPECT_EQ(std::memcmp(distributed.scale.data(), serial.scale.data(), kDims * sizeof(double)), 0);
  for (std::size_t j = 0; j < kDims; ++j) {
    // The reference: two passes in long double, each column rescaled to order 1 first (exact),
    // so neither the offset nor the magnitude touches its precision.
    const long double unit = std::ldexp(1.0L, std::ilogb(std::abs(value(0, j))));
    long double sum = 0, sq = 0;
    for (std::uint64_t r = 0; r < kRows; ++r) sum += value(r, j) / unit;
    const long double mean = sum / kRows;
    for (std::uint64_t r = 0; r < kRows; ++r) sq += (value(r, j) / unit - mean) * (value(r, j) / unit - mean);
    const double ref_mean = static_cast<double>(mean * unit), ref_std = static_cast<double>(std::sqrt(sq / kRows) * unit);
    EXPECT_NEAR(distributed.mean[j], ref_mean, 1e-14 * std::abs(ref_mean)) << "feature " << j;
    EXPECT_NEAR(distributed.scale[j], ref_std, 1e-10 * ref_std) << "feature " << j;
  }
}
