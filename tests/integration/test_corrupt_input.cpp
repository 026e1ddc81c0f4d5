// A damaged or wrong input file (flipped bytes in a real table's metadata, a truncated copy, a
// directory, a text file) is an input error: exit 3 on every rank, one message from rank 0 that
// names the file (and the object when HDF5 got that far), no HDF5-DIAG dump, no crash or abort.
#include <gtest/gtest.h>

#include <fstream>

#include "cli.hpp"
#include "custseg/io/detail/hdf5_handle.hpp"
#include "custseg/io/hdf5.hpp"

using namespace custseg::testing;
namespace fs = std::filesystem;

namespace {

// Where an object's header starts in the file (what `h5ls -va` prints as Location).
std::uint64_t object_header_address(const std::string& file, const std::string& object) {
  const custseg::io::File f = custseg::io::File::open_serial(file, false);
  H5O_info_t info{};
  if (H5Oget_info_by_name2(custseg::io::detail::raw(f), object.c_str(), &info, H5O_INFO_BASIC, H5P_DEFAULT) < 0)
    throw std::runtime_error("no object " + object + " in " + file);
  return info.addr;
}

// A copy of `from` with `count` bytes inverted from `offset` on.
void flip_bytes(const std::string& from, const std::string& to, std::uint64_t offset, std::size_t count) {
  fs::copy_file(from, to, fs::copy_options::overwrite_existing);
  std::fstream f(to, std::ios::in | std::ios::out | std::ios::binary);
  std::vector<char> bytes(count);
  f.seekg(static_cast<std::streamoff>(offset));
  f.read(bytes.data(), static_cast<std::streamsize>(count));
  for (char& b : bytes) b = static_cast<char>(~b);
  f.seekp(static_cast<std::streamoff>(offset));
  f.write(bytes.data(), static_cast<std::streamsize>(count));
}

// A copy of the first `keep` bytes of `from`.
void truncate_copy(const std::string& from, const std::string& to, std::uintmax_t keep) {
  fs::copy_file(from, to, fs::copy_options::overwrite_existing);
  fs::resize_file(to, keep);
}

class CorruptInput : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = scratch_dir("corrupt-input");
    const auto gen = run_custseg("generate --rows 2000 --seed 1 -q --output " + good(), 1);
    ASSERT_EQ(gen.exit_code, 0) << gen.output;
  }
  static void TearDownTestSuite() { fs::remove_all(dir_); }
  static std::string good() { return (dir_ / "good.h5").string(); }
  static std::string path(const std::string& name) { return (dir_ / name).string(); }

  // `segment --input input` must fail with the input code and one message holding each of `names`.
  static void expect_input_error(const std::string& input, const std::vector<std::string>& names) {
    const auto r = run_custseg("segment -q --k 3 --input " + input + " --output " + path("out"));
    EXPECT_EQ(r.exit_code, 3) << r.output;
    for (const auto& name : names)
      EXPECT_NE(r.output.find(name), std::string::npos) << "expected '" << name << "' in:\n" << r.output;
    std::size_t errors = 0;
    for (std::size_t p = r.output.find("error:"); p != std::string::npos; p = r.output.find("error:", p + 1)) ++errors;
    EXPECT_EQ(errors, 1U) << "one message, from rank 0 only:\n" << r.output;
    EXPECT_EQ(r.output.find("HDF5-DIAG"), std::string::npos) << "HDF5's own error dump leaked:\n" << r.output;
    EXPECT_EQ(r.output.find("MPI_ABORT"), std::string::npos) << "errors must be agreed, not aborted:\n" << r.output;
    EXPECT_EQ(r.output.find("internal error"), std::string::npos) << r.output;
    EXPECT_FALSE(fs::exists(path("out") + "/results.h5"));
  }

  static inline fs::path dir_;
};

}  // namespace

TEST_F(CorruptInput, FlippedBytesInADatasetHeaderNameTheFileAndTheColumn) {
  const std::string bad = path("dataset-header.h5");
  flip_bytes(good(), bad, object_header_address(good(), "/customers/monetary"), 64);
  expect_input_error(bad, {bad, "/customers/monetary"});
}

TEST_F(CorruptInput, FlippedBytesInTheTableGroupHeaderNameTheFile) {
  const std::string bad = path("group-header.h5");
  flip_bytes(good(), bad, object_header_address(good(), "/customers"), 64);
  expect_input_error(bad, {bad + " is corrupt or not a readable HDF5 file: /customers"});
}

TEST_F(CorruptInput, TruncatedFileNamesTheFile) {
  const std::string bad = path("truncated.h5");
  truncate_copy(good(), bad, fs::file_size(good()) / 2);
  expect_input_error(bad, {bad, "truncated"});
}

TEST_F(CorruptInput, DirectoryIsNotAnInputFile) {
  const std::string bad = path("a-directory.h5");
  fs::create_directories(bad);
  expect_input_error(bad, {bad, "is a directory"});
}

TEST_F(CorruptInput, TextFileIsNotAnHdf5File) {
  const std::string bad = path("text.h5");
  std::ofstream(bad) << "customer_id,monetary\n1,10.5\n2,3.25\n";
  expect_input_error(bad, {bad, "not an HDF5 file"});
}
