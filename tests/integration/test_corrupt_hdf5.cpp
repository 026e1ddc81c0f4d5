// Corrupt HDF5 inputs (docs/input-errors.md): flipped bytes in an object header, a local heap, a
// global heap (where libhdf5 itself aborts on a bad free), a chunk B-tree or the superblock are one
// input error on every rank: exit 3, one line "FILE is corrupt or not a readable HDF5 file: OBJECT:
// REASON" from rank 0; no crash, no hang, no MPI_ABORT, no HDF5-DIAG, no output, the input unchanged.
// Files are written with h5py and damaged at offsets h5py and the structures' signatures give
// (make_corrupt_hdf5.py), for segment, score (--input and --model), sweep and compare.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <sstream>

#include "cli.hpp"
#include "custseg/io/hdf5_validate.hpp"

using namespace custseg::testing;
namespace fs = std::filesystem;

namespace {

std::string file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

class CorruptHdf5 : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = scratch_dir("corrupt-hdf5");
    const auto made = run_shell("/usr/bin/python3 " + source_dir() + "/tests/integration/make_corrupt_hdf5.py " + dir_.string());
    ASSERT_EQ(made.exit_code, 0) << made.output;
    std::istringstream lines(made.output);
    for (std::string line; std::getline(lines, line);)
      if (const auto tab = line.find('\t'); tab != std::string::npos) objects_[line.substr(0, tab)] = line.substr(tab + 1);
    ASSERT_EQ(objects_.size(), 7U) << made.output;
    // A model to score with and a result to compare against, from the undamaged table.
    const auto fit = run_custseg("segment -q --k 3 --seed 1 --input " + path("good.h5") + " --output " + path("model"), 1);
    ASSERT_EQ(fit.exit_code, 0) << fit.output;
  }
  static void TearDownTestSuite() { fs::remove_all(dir_); }
  static std::string path(const std::string& name) { return (dir_ / name).string(); }

  // `custseg ARGS` must fail as described above, naming `file` and `object`, leaving `file` as it was.
  static void expect_corrupt(const std::string& args, const std::string& file, const std::string& object,
                             const std::string& output_dir) {
    const std::string before = file_bytes(file);
    const auto r = run_custseg(args, test_np(), 120);
    EXPECT_EQ(r.exit_code, 3) << args << "\n" << r.output;
    EXPECT_NE(r.output.find(file + " is corrupt or not a readable HDF5 file: " + object), std::string::npos)
        << "expected the file and object " << object << " named in:\n" << r.output;
    std::size_t errors = 0;
    for (std::size_t p = r.output.find("error:"); p != std::string::npos; p = r.output.find("error:", p + 1)) ++errors;
    EXPECT_EQ(errors, 1U) << "one message, from rank 0 only:\n" << r.output;
    for (const char* leak : {"HDF5-DIAG", "MPI_ABORT", "internal error", "Segmentation", "Aborted (core"})
      EXPECT_EQ(r.output.find(leak), std::string::npos) << leak << " in:\n" << r.output;
    EXPECT_FALSE(fs::exists(output_dir + "/results.h5")) << output_dir;
    EXPECT_EQ(file_bytes(file), before) << "the input was modified: " << file;
  }

  static inline fs::path dir_;
  static inline std::map<std::string, std::string> objects_;
};

TEST_F(CorruptHdf5, SegmentRefusesEveryDamagedStructure) {
  for (const auto& [name, object] : objects_) {
    SCOPED_TRACE(name);
    const std::string out = path("segment-" + name);
    expect_corrupt("segment -q --k 3 --input " + path(name) + " --output " + out, path(name), object, out);
  }
}

TEST_F(CorruptHdf5, ScoreRefusesADamagedInputTable) {
  const std::string out = path("score-input");
  expect_corrupt("score -q --model " + path("model/results.h5") + " --input " + path("global-heap.h5") + " --output " + out,
                 path("global-heap.h5"), objects_.at("global-heap.h5"), out);
}

// A results.h5 whose /model/centroids header is damaged (the bytes after its signature-less prefix).
TEST_F(CorruptHdf5, ScoreAndCompareRefuseADamagedModel) {
  const std::string model = path("damaged-model.h5");
  const auto made = run_shell("/usr/bin/python3 -c \"import h5py,sys; f=h5py.File(sys.argv[1],'r'); "
                              "print(h5py.h5o.get_info(f['model/centroids'].id).addr)\" " + path("model/results.h5"));
  ASSERT_EQ(made.exit_code, 0) << made.output;
  fs::copy_file(path("model/results.h5"), model, fs::copy_options::overwrite_existing);
  {
    std::fstream f(model, std::ios::in | std::ios::out | std::ios::binary);
    std::string bytes(48, '\0');
    const auto at = static_cast<std::streamoff>(std::stoull(made.output) + 16);
    f.seekg(at);
    f.read(bytes.data(), 48);
    for (char& b : bytes) b = static_cast<char>(~b);
    f.seekp(at);
    f.write(bytes.data(), 48);
  }
  expect_corrupt("score -q --model " + model + " --input " + path("good.h5") + " --output " + path("score-model"), model,
                 "/model/centroids", path("score-model"));
  expect_corrupt("compare -q --previous " + path("model/results.h5") + " --current " + model + " --output " +
                     path("compare"), model, "/model/centroids", path("compare"));
}

TEST_F(CorruptHdf5, SweepRefusesADamagedInputTable) {
  const std::string out = path("sweep");
  expect_corrupt("sweep -q --k 2:3 --input " + path("chunk-btree.h5") + " --output " + out, path("chunk-btree.h5"),
                 objects_.at("chunk-btree.h5"), out);
}

// The hidden mode itself: an undamaged table is "ok", a damaged one names the object.
TEST_F(CorruptHdf5, ValidatorModeAnswersOkOrTheObject) {
  const auto good = run_shell(custseg_bin() + " --validate-hdf5 " + path("good.h5") + " customers");
  EXPECT_EQ(good.exit_code, 0) << good.output;
  EXPECT_NE(good.output.find("\nok\n"), std::string::npos) << good.output;
  const auto bad = run_shell(custseg_bin() + " --validate-hdf5 " + path("dataset-header.h5") + " customers");
  EXPECT_NE(bad.output.find("corrupt /customers/monetary\t"), std::string::npos) << bad.output;
}

// The MPI-free function the child (and a fuzz target) calls, in this process: the undamaged
// tables pass, each damage libhdf5 reports as an error is found in the object it was put in. (The
// global heap case is left to the child: libhdf5 aborts on it.)
TEST_F(CorruptHdf5, ValidatorFunctionFindsTheDamagedObject) {
  for (const char* good : {"good.h5", "chunked.h5", "model/results.h5"}) {
    const auto v = custseg::io::validate_table_path(path(good), std::string(good) == "model/results.h5" ? "" : "customers");
    EXPECT_TRUE(v.ok) << good << ": " << v.object << ": " << v.reason;
  }
  for (const char* name : {"dataset-header.h5", "group-header.h5", "local-heap.h5", "global-heap-size.h5",
                           "chunk-btree.h5", "superblock.h5"}) {
    const auto v = custseg::io::validate_table_path(path(name), "customers");
    EXPECT_FALSE(v.ok) << name;
    EXPECT_EQ(v.object.rfind(objects_.at(name), 0), 0U) << name << ": " << v.object << ": " << v.reason;
    EXPECT_FALSE(v.reason.empty()) << name;
  }
}

}  // namespace
