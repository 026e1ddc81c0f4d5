// Data larger than memory: `segment --memory-limit` small enough to force many chunks streams the
// features from the input in every pass, and gives results.h5 datasets bitwise identical to the
// in-memory run (this binary runs at CUSTSEG_TEST_NP ranks and compares with 1 rank in memory).
#include <gtest/gtest.h>

#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>

#include "cli.hpp"
#include "results_reader.hpp"

using namespace custseg::testing;
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr int kRows = 20000;

// Every dataset path in an HDF5 file.
herr_t collect_link(hid_t, const char* name, const H5L_info_t*, void* out) {
  static_cast<std::vector<std::string>*>(out)->push_back(std::string("/") + name);
  return 0;
}

std::map<std::string, std::vector<unsigned char>> all_datasets(const std::string& path) {
  std::map<std::string, std::vector<unsigned char>> out;
  custseg::io::File f = custseg::io::File::open_serial(path, false);
  std::vector<std::string> links;
  H5Lvisit(custseg::io::detail::raw(f), H5_INDEX_NAME, H5_ITER_INC, collect_link, &links);
  for (const auto& name : links) {
    const hid_t obj = H5Oopen(custseg::io::detail::raw(f), name.c_str(), H5P_DEFAULT);
    if (obj < 0) continue;
    const bool dataset = H5Iget_type(obj) == H5I_DATASET;
    H5Oclose(obj);
    if (!dataset) continue;
    const hid_t ds = H5Dopen2(custseg::io::detail::raw(f), name.c_str(), H5P_DEFAULT);
    const hid_t type = H5Dget_type(ds);
    const hid_t space = H5Dget_space(ds);
    std::vector<unsigned char> bytes(static_cast<std::size_t>(H5Sget_simple_extent_npoints(space)) * H5Tget_size(type));
    if (!bytes.empty()) {
      EXPECT_GE(H5Dread(ds, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, bytes.data()), 0) << name;
    }
    out[name] = std::move(bytes);
    H5Sclose(space);
    H5Tclose(type);
    H5Dclose(ds);
  }
  return out;
}

json read_json(const fs::path& path) {
  std::ifstream in(path);
  return json::parse(in);
}

class Streaming : public GeneratedTable<Streaming> {
 public:
  static constexpr const char* kScratchName = "streaming";
  static std::string generate_args() { return "--rows " + std::to_string(kRows) + " --seed 11"; }
  static void after_generate() { run_reference(segment_args("memory")); }

 protected:
  static std::string results(const std::string& run) { return (dir_ / run / "results.h5").string(); }
  static std::string segment_args(const std::string& run) {
    return "segment --input " + table() + " --output " + (dir_ / run).string() +
           " --k 5 --seed 4 --n-init 2 --transform 'monetary:log1p,frequency:log1p' --threads 2";
  }
  // Room for the per-row vectors (32 bytes a row) plus 64 KiB: a few hundred rows per chunk.
  static std::string tiny_limit() {
    const std::uint64_t rows_per_rank = (kRows + test_np() - 1) / test_np();
    return std::to_string(rows_per_rank * 32 + 65536);
  }
};

}  // namespace

TEST_F(Streaming, TinyMemoryLimitGivesBitwiseIdenticalResults) {
  const std::string run = "streamed-np" + std::to_string(test_np());
  const auto r = run_custseg(segment_args(run) + " --memory-limit " + tiny_limit());
  ASSERT_EQ(r.exit_code, 0) << r.output;
  // It really streamed, in many chunks.
  const auto at = r.output.find("chunks per pass");
  ASSERT_NE(at, std::string::npos) << "no streaming under --memory-limit:\n" << r.output;
  const auto num_end = r.output.rfind(' ', at - 1);
  const auto num_begin = r.output.rfind(' ', num_end - 1);
  EXPECT_GE(std::stoi(r.output.substr(num_begin + 1, num_end - num_begin - 1)), 5) << r.output;

  const auto expected = all_datasets(results("memory"));
  const auto actual = all_datasets(results(run));
  ASSERT_GT(expected.size(), 5u);
  for (const auto& [name, bytes] : expected) {
    ASSERT_TRUE(actual.count(name)) << name << " missing from the streamed results";
    EXPECT_EQ(bytes.size(), actual.at(name).size()) << name;
    EXPECT_TRUE(bytes == actual.at(name)) << name << " differs between the in-memory and the streamed run";
  }
  EXPECT_EQ(expected.size(), actual.size());

  // The report's model, scaling and quality figures too (the silhouette included).
  const json a = read_json(dir_ / "memory" / "report.json"), b = read_json(dir_ / run / "report.json");
  for (const char* key : {"features", "inertia", "iterations", "converged", "quality", "segments"})
    EXPECT_EQ(a[key], b[key]) << key;
  // Chunk reads, and row fetches where only some ranks ask for rows, stayed collective.
  const json& h5 = b["timing_detail"]["hdf5"];
  EXPECT_GT(h5["collective_transfers"].get<double>(), 0.0);
  EXPECT_EQ(h5["independent_transfers"].get<double>(), 0.0) << h5["no_collective_cause"];
}

TEST_F(Streaming, LimitThatFitsKeepsTheBlockInMemory) {
  const std::string run = "roomy-np" + std::to_string(test_np());
  const auto r = run_custseg(segment_args(run) + " --memory-limit 1G");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(r.output.find("chunks per pass"), std::string::npos) << r.output;
  const auto s1 = read_dataset<std::int32_t>(results("memory"), "/assignments/segment");
  const auto s2 = read_dataset<std::int32_t>(results(run), "/assignments/segment");
  EXPECT_EQ(s1, s2);
}

TEST_F(Streaming, LimitBelowThePerRowVectorsIsAUsageError) {
  const auto r = run_custseg(segment_args("too-small-np" + std::to_string(test_np())) + " --memory-limit 64K");
  EXPECT_NE(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("--memory-limit"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("too small"), std::string::npos) << r.output;
  const auto bad = run_custseg(segment_args("bad-size-np" + std::to_string(test_np())) + " --memory-limit 2Q");
  EXPECT_NE(bad.exit_code, 0) << bad.output;
  EXPECT_NE(bad.output.find("--memory-limit must be a size"), std::string::npos) << bad.output;
}
