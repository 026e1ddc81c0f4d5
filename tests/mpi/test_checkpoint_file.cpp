// The checkpoint file (kmeans/checkpoint.hpp) round-trips every field exactly (doubles bit for
// bit, the 128-bit inertia including values beyond 64 bits), is replaced atomically (no .tmp
// left), and a file that is not a custseg checkpoint or of a newer format is an input error.
// Every rank writes its own file (serial HDF5), so this also runs at 1-4 ranks.
#include <gtest/gtest.h>

#include <unistd.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <limits>

#include "custseg/io/hdf5.hpp"
#include "custseg/io/model_file.hpp"
#include "custseg/kmeans/checkpoint.hpp"
#include "custseg/mpi/communicator.hpp"
#include "custseg/util/error.hpp"

using namespace custseg;
using namespace custseg::kmeans;

namespace {

namespace fs = std::filesystem;

fs::path temp_dir() {
  const mpi::Communicator world;
  fs::path dir = fs::temp_directory_path() /
                 ("custseg-ckpt-" + std::to_string(getpid()) + "-" + std::to_string(world.rank()));
  fs::create_directories(dir);
  return dir;
}

std::vector<IterationRecord> history(int n) {
  std::vector<IterationRecord> h;
  for (int i = 1; i <= n; ++i)
    h.push_back(IterationRecord{i, 1000.0 / i + 1e-13, std::ldexp(1.0, -i * 7), 0.25 * i, i % 2, i == n, 1234567ULL * i});
  return h;
}

void expect_same(const std::vector<IterationRecord>& a, const std::vector<IterationRecord>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].iteration, b[i].iteration);
    EXPECT_EQ(std::memcmp(&a[i].inertia, &b[i].inertia, sizeof(double)), 0);
    EXPECT_EQ(std::memcmp(&a[i].shift, &b[i].shift, sizeof(double)), 0);
    EXPECT_EQ(a[i].reseeded, b[i].reseeded);
    EXPECT_EQ(a[i].distinct_limited, b[i].distinct_limited);
    EXPECT_EQ(a[i].rows_searched, b[i].rows_searched);
  }
}

}  // namespace

TEST(CheckpointFile, RoundTripsEveryFieldExactly) {
  const fs::path dir = temp_dir();
  Checkpoint c;
  c.input_fingerprint = "6000x4-0123456789abcdef";
  c.config_fingerprint = 0xfedcba9876543210ULL;
  c.restart = 2;
  c.iteration = 17;
  c.centroids = {0.1, -0.0, std::nextafter(1.0, 2.0), -1e-300, 3e300, std::numeric_limits<double>::denorm_min()};
  c.history = history(17);
  c.restart_inertia = {12.5, 11.0000000000001};
  c.init_seconds = 1.5;
  c.iterate_seconds = 7.25;
  CheckpointBest best;
  best.run = 1;
  best.centroids = {1.0 / 3.0, 2.0 / 3.0};
  best.inertia = (static_cast<Int128>(0x1234) << 64) + static_cast<Int128>(0xfedcba9876543210ULL);  // > 2^64
  best.iterations = 9;
  best.converged = true;
  best.distinct_rows = 0;
  best.history = history(9);
  c.best = best;
  const std::string path = (dir / "checkpoint.h5").string();
  write_checkpoint(path, c);
  write_checkpoint(path, c);  // replaces the previous one
  EXPECT_FALSE(fs::exists(path + ".tmp"));

  const Checkpoint r = read_checkpoint(path);
  EXPECT_FALSE(r.fitted);
  EXPECT_EQ(r.input_fingerprint, c.input_fingerprint);
  EXPECT_EQ(r.config_fingerprint, c.config_fingerprint);
  EXPECT_EQ(r.restart, 2);
  EXPECT_EQ(r.iteration, 17);
  ASSERT_EQ(r.centroids.size(), c.centroids.size());
  EXPECT_EQ(std::memcmp(r.centroids.data(), c.centroids.data(), c.centroids.size() * sizeof(double)), 0);
  expect_same(r.history, c.history);
  EXPECT_EQ(r.restart_inertia, c.restart_inertia);
  ASSERT_TRUE(r.best.has_value());
  EXPECT_EQ(r.best->run, 1);
  EXPECT_TRUE(r.best->inertia == best.inertia);
  EXPECT_EQ(r.best->centroids, best.centroids);
  EXPECT_EQ(r.best->iterations, 9);
  EXPECT_TRUE(r.best->converged);
  expect_same(r.best->history, best.history);
  fs::remove_all(dir);
}

TEST(CheckpointFile, FittedStateWithoutBestHistory) {
  const fs::path dir = temp_dir();
  Checkpoint c;
  c.fitted = true;
  c.input_fingerprint = "x";
  c.restart_inertia = {};
  CheckpointBest best;
  best.centroids = {4.0};
  best.inertia = 0;
  best.distinct_rows = 1;
  c.best = best;  // empty history: zero-length datasets
  const std::string path = (dir / "checkpoint.h5").string();
  write_checkpoint(path, c);
  const Checkpoint r = read_checkpoint(path);
  EXPECT_TRUE(r.fitted);
  EXPECT_TRUE(r.centroids.empty());
  EXPECT_TRUE(r.history.empty());
  ASSERT_TRUE(r.best.has_value());
  EXPECT_EQ(r.best->distinct_rows, 1U);
  EXPECT_TRUE(r.best->history.empty());
  fs::remove_all(dir);
}

TEST(CheckpointFile, OtherFilesAreInputErrors) {
  const fs::path dir = temp_dir();
  const std::string other = (dir / "results.h5").string();
  {
    io::File f = io::File::create_serial(other);
    f.write_attribute("/", "format", std::string("custseg-results"));
  }
  try {
    (void)read_checkpoint(other);
    ADD_FAILURE() << "a results file was read as a checkpoint";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::input);
    EXPECT_NE(std::string(e.what()).find("is not a custseg checkpoint"), std::string::npos) << e.what();
  }
  const std::string newer = (dir / "newer.h5").string();
  write_checkpoint(newer, Checkpoint{});
  {
    io::File f = io::File::open_serial(newer, true);
    f.write_attribute("/", "format_version", std::int64_t{kCheckpointFormatVersion + 1});
  }
  try {
    (void)read_checkpoint(newer);
    ADD_FAILURE() << "a newer format was accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::input);
    EXPECT_NE(std::string(e.what()).find("format version"), std::string::npos) << e.what();
  }
  fs::remove_all(dir);
}

// A checkpoint given where a results file is expected (score --model, segment --previous, compare):
// read_model names the mix-up and the way to continue, instead of failing on the integer
// format_version ("expected strings").
TEST(CheckpointFile, ReadAsAModelSaysItIsACheckpoint) {
  const fs::path dir = temp_dir();
  const std::string path = (dir / "checkpoint.h5").string();
  Checkpoint c;
  c.fitted = true;
  write_checkpoint(path, c);
  try {
    (void)io::read_model(path);
    ADD_FAILURE() << "a checkpoint was read as a model";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::input);
    EXPECT_EQ(std::string(e.what()),
              path + " is a segment checkpoint, not a results file (resume the run with --resume)");
  }
  fs::remove_all(dir);
}
