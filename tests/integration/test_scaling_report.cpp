// The figures scripts/bench-scaling.sh reads (report.json "timing_detail"), the collective-I/O
// check of parallel HDF5, and the --alignment / --chunk-size file layouts of `custseg generate`.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>

#include "cli.hpp"
#include "results_reader.hpp"

using namespace custseg::testing;
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr int kRows = 24000;
constexpr int kK = 4;

json read_json(const fs::path& path) {
  std::ifstream in(path);
  return json::parse(in);
}

class ScalingReport : public GeneratedTable<ScalingReport> {
 public:
  static constexpr const char* kScratchName = "scaling";
  static std::string generate_args() { return "--rows " + std::to_string(kRows) + " --seed 3"; }
  static int generate_ranks() { return test_np(); }  // the parallel write is part of what is checked

 protected:
  static std::string segment_args(const std::string& input, const std::string& run, const std::string& extra = "") {
    return "segment --input " + input + " --output " + (dir_ / run).string() + " --k " + std::to_string(kK) +
           " --seed 5 --n-init 1 -q " + extra;
  }
};

}  // namespace

TEST_F(ScalingReport, TimingDetailHasEveryRanksPhasesAndTheAllreduce) {
  const auto r = run_custseg(segment_args(table(), "detail"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const json report = read_json(dir_ / "detail" / "report.json");
  ASSERT_TRUE(report.contains("timing_detail")) << "report.json has no timing_detail";
  const json& t = report["timing_detail"];
  const int np = test_np();
  EXPECT_EQ(t["ranks"].get<int>(), np);
  for (const char* phase : {"read", "transform", "init", "iterations", "statistics", "write"}) {
    ASSERT_TRUE(t["seconds_per_rank"].contains(phase)) << phase;
    const auto& per_rank = t["seconds_per_rank"][phase];
    ASSERT_EQ(per_rank.size(), static_cast<std::size_t>(np)) << phase;
    double max = 0.0, sum = 0.0;
    for (const auto& v : per_rank) {
      EXPECT_GE(v.get<double>(), 0.0) << phase;
      max = std::max(max, v.get<double>());
      sum += v.get<double>();
    }
    EXPECT_DOUBLE_EQ(t["seconds_max"][phase].get<double>(), max) << phase;
    if (sum > 0) {
      EXPECT_NEAR(t["imbalance_max_over_mean"][phase].get<double>(), max / (sum / np), 1e-9) << phase;
    }
  }
  // Every row is on exactly one rank.
  double rows = 0;
  for (const auto& v : t["rows_per_rank"]) rows += v.get<double>();
  EXPECT_EQ(rows, kRows);
  // One allreduce of the exact cluster sums per Lloyd pass: at least k (d + 1) + 1 Int128 words.
  const std::size_t d = report["features"].size();
  const auto& ar = t["allreduce"];
  EXPECT_GE(ar["calls"].get<double>(), report["iterations"].get<double>());
  EXPECT_GE(ar["bytes_per_call"].get<double>(), 16.0 * static_cast<double>(kK * (d + 1) + 1));
  EXPECT_EQ(ar["seconds_per_rank"].size(), static_cast<std::size_t>(np));
  EXPECT_GE(ar["seconds_max"].get<double>(), ar["seconds_min"].get<double>());
  // Reads and writes went through parallel HDF5, all of them collectively (int32 columns read as
  // double included: custseg converts in memory so HDF5 does not fall back to independent I/O).
  const auto& h5 = t["hdf5"];
  EXPECT_GT(h5["collective_transfers"].get<double>(), 0.0);
  EXPECT_EQ(h5["independent_transfers"].get<double>(), 0.0) << h5["no_collective_cause"];
  double read_bytes = 0;
  for (const auto& v : h5["read_bytes_per_rank"]) read_bytes += v.get<double>();
  EXPECT_GE(read_bytes, 8.0 * kRows * static_cast<double>(d));  // every feature column at least once
}

TEST_F(ScalingReport, FallbackToIndependentIoIsReportedWithItsCause) {
  // Disabling MPI derived types makes HDF5 give up collective transfers: the run still works,
  // and says so.
  const std::string mpirun = env_or("CUSTSEG_MPIEXEC", "mpirun");
  const auto r = run_shell("timeout 240 " + mpirun + " --oversubscribe --allow-run-as-root -x HDF5_MPI_OPT_TYPES=0 -np " +
                           std::to_string(test_np()) + " " + custseg_bin() + " " +
                           segment_args(table(), "independent"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const json t = read_json(dir_ / "independent" / "report.json")["timing_detail"];
  EXPECT_GT(t["hdf5"]["independent_transfers"].get<double>(), 0.0);
  EXPECT_NE(t["hdf5"]["no_collective_cause"].get<std::string>().find("MPI derived types"), std::string::npos)
      << t["hdf5"]["no_collective_cause"];
}

TEST_F(ScalingReport, ConvertedCollectiveReadsMatchHdf5sOwnConversion) {
  // frequency is int32 on disk: its exact mean in the report (collective read, converted in
  // memory) equals the mean of a plain serial read that HDF5 converts itself.
  const auto r = run_custseg(segment_args(table(), "convert", "--features frequency,tenure_days,monetary"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const json report = read_json(dir_ / "convert" / "report.json");
  for (const auto& f : report["features"]) {
    const auto values = read_dataset<double>(table(), "/customers/" + f["name"].get<std::string>());
    long double sum = 0;
    for (double v : values) sum += v;
    const double mean = static_cast<double>(sum / values.size());
    EXPECT_NEAR(f["mean"].get<double>(), mean, 1e-12 * std::abs(mean)) << f["name"];
  }
}

TEST_F(ScalingReport, AlignedChunkedFileGivesTheSameResults) {
  const std::string chunked = (dir_ / "chunked.h5").string();
  const auto gen = run_custseg("generate --rows " + std::to_string(kRows) +
                               " --seed 3 -q --alignment 64K --chunk-size 5000 --output " + chunked);
  ASSERT_EQ(gen.exit_code, 0) << gen.output;
  {
    // The layout really is chunked, with the requested chunk, and datasets start aligned.
    custseg::io::File f = custseg::io::File::open_serial(chunked, false);
    const hid_t ds = H5Dopen2(custseg::io::detail::raw(f), "/customers/monetary", H5P_DEFAULT);
    ASSERT_GE(ds, 0);
    const hid_t dcpl = H5Dget_create_plist(ds);
    EXPECT_EQ(H5Pget_layout(dcpl), H5D_CHUNKED);
    hsize_t chunk = 0;
    EXPECT_EQ(H5Pget_chunk(dcpl, 1, &chunk), 1);
    EXPECT_EQ(chunk, 5000u);
    H5Pclose(dcpl);
    H5Dclose(ds);
    const hid_t plain = H5Dopen2(custseg::io::detail::raw(f), "/customers/customer_id", H5P_DEFAULT);
    const hid_t plain_dcpl = H5Dget_create_plist(plain);
    EXPECT_EQ(H5Pget_layout(plain_dcpl), H5D_CHUNKED);
    H5Pclose(plain_dcpl);
    H5Dclose(plain);
  }
  {
    // The default stays contiguous.
    custseg::io::File f = custseg::io::File::open_serial(table(), false);
    const hid_t ds = H5Dopen2(custseg::io::detail::raw(f), "/customers/monetary", H5P_DEFAULT);
    const hid_t dcpl = H5Dget_create_plist(ds);
    EXPECT_EQ(H5Pget_layout(dcpl), H5D_CONTIGUOUS);
    H5Pclose(dcpl);
    H5Dclose(ds);
  }
  {
    // --alignment alone: contiguous datasets of 64 KiB or more start at multiples of it.
    const std::string aligned = (dir_ / "aligned.h5").string();
    const auto a = run_custseg("generate --rows " + std::to_string(kRows) + " --seed 3 -q --alignment 64K --output " + aligned);
    ASSERT_EQ(a.exit_code, 0) << a.output;
    custseg::io::File f = custseg::io::File::open_serial(aligned, false);
    for (const char* column : {"/customers/monetary", "/customers/customer_id", "/customers/age"}) {
      const hid_t ds = H5Dopen2(custseg::io::detail::raw(f), column, H5P_DEFAULT);
      const haddr_t offset = H5Dget_offset(ds);
      ASSERT_NE(offset, HADDR_UNDEF) << column;
      EXPECT_EQ(offset % 65536, 0u) << column << " starts at " << offset;
      H5Dclose(ds);
    }
  }
  // Same data, other layout: identical columns and identical segmentation.
  for (const char* column : {"/customers/monetary", "/customers/frequency", "/customers/customer_id"}) {
    const auto a = read_dataset<double>(table(), column), b = read_dataset<double>(chunked, column);
    ASSERT_EQ(a.size(), b.size());
    EXPECT_EQ(std::memcmp(a.data(), b.data(), a.size() * sizeof(double)), 0) << column;
  }
  const auto r1 = run_custseg(segment_args(table(), "contiguous-run"));
  const auto r2 = run_custseg(segment_args(chunked, "chunked-run"));
  ASSERT_EQ(r1.exit_code, 0) << r1.output;
  ASSERT_EQ(r2.exit_code, 0) << r2.output;
  const auto s1 = read_dataset<std::int32_t>((dir_ / "contiguous-run" / "results.h5").string(), "/assignments/segment");
  const auto s2 = read_dataset<std::int32_t>((dir_ / "chunked-run" / "results.h5").string(), "/assignments/segment");
  EXPECT_EQ(s1, s2);
  const json t = read_json(dir_ / "chunked-run" / "report.json")["timing_detail"];
  EXPECT_EQ(t["hdf5"]["independent_transfers"].get<double>(), 0.0) << t["hdf5"]["no_collective_cause"];
}
