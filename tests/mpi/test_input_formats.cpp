// Tables as h5py writes them (variable-length UTF-8 strings, numpy bools as HDF5 enums, 2-D and
// ragged columns nobody selects, vlen attributes), read at 1-4 ranks; customer ids checked and
// compared across ranks; string ids written back. Files are made with the HDF5 C API exactly as
// h5py makes them, so these tests need no Python.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <functional>
#include <limits>
#include <optional>
#include <set>
#include <utility>

#include "custseg/data/input_table.hpp"
#include "custseg/io/detail/hdf5_handle.hpp"
#include "custseg/io/results_file.hpp"
#include "custseg/mpi/collective_guard.hpp"
#include "custseg/stats/fairness.hpp"
#include "custseg/util/error.hpp"
#include "mpi_test_data.hpp"

using namespace custseg;

namespace {

constexpr std::uint64_t kRows = 11;
const std::vector<std::string> kCountries{"UK", "FR", "\xC3\x89ire", "UK", "", "FR", "UK", "DE", "FR", "UK", "DE"};

hid_t vlen_utf8() {
  const hid_t t = H5Tcopy(H5T_C_S1);
  H5Tset_size(t, H5T_VARIABLE);
  H5Tset_cset(t, H5T_CSET_UTF8);
  return t;
}

void write_dataset(hid_t file, const char* name, hid_t type, std::vector<hsize_t> dims, const void* data) {
  const hid_t space = H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr);
  const hid_t ds = H5Dcreate2(file, name, type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  ASSERT_GE(ds, 0) << name;
  EXPECT_GE(H5Dwrite(ds, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data), 0) << name;
  H5Dclose(ds);
  H5Sclose(space);
}

void write_vlen_attribute(hid_t file, const char* object, const char* name, const std::vector<const char*>& values,
                          bool scalar) {
  const hid_t o = H5Oopen(file, object, H5P_DEFAULT);
  const hsize_t n = values.size();
  const hid_t space = scalar ? H5Screate(H5S_SCALAR) : H5Screate_simple(1, &n, nullptr);
  const hid_t type = vlen_utf8();
  const hid_t a = H5Acreate2(o, name, type, space, H5P_DEFAULT, H5P_DEFAULT);
  EXPECT_GE(H5Awrite(a, type, values.data()), 0);
  H5Aclose(a);
  H5Tclose(type);
  H5Sclose(space);
  H5Oclose(o);
}

// What h5py writes for a frame of text, bools, a 2-D embedding, a shorter column and a subgroup
// next to the numbers.
void write_h5py_table(const std::string& path) {
  const hid_t f = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  H5Gclose(H5Gcreate2(f, "/customers", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
  std::vector<std::uint64_t> ids(kRows);
  std::vector<double> monetary(kRows), embedding(kRows * 3), short_column(kRows - 1);
  std::vector<std::int8_t> opt_in(kRows);
  for (std::uint64_t i = 0; i < kRows; ++i) {
    ids[i] = 100 + i;
    monetary[i] = 10.0 * static_cast<double>(i) + 0.5;
    opt_in[i] = static_cast<std::int8_t>(i % 3 == 0);
  }
  write_dataset(f, "/customers/customer_id", H5T_NATIVE_UINT64, {kRows}, ids.data());
  write_dataset(f, "/customers/monetary", H5T_NATIVE_DOUBLE, {kRows}, monetary.data());
  write_dataset(f, "/customers/embedding", H5T_NATIVE_DOUBLE, {kRows, 3}, embedding.data());
  write_dataset(f, "/customers/short", H5T_NATIVE_DOUBLE, {kRows - 1}, short_column.data());
  const hid_t boolean = H5Tenum_create(H5T_NATIVE_INT8);  // numpy bool, as h5py stores it
  std::int8_t no = 0, yes = 1;
  H5Tenum_insert(boolean, "FALSE", &no);
  H5Tenum_insert(boolean, "TRUE", &yes);
  write_dataset(f, "/customers/opt_in", boolean, {kRows}, opt_in.data());
  H5Tclose(boolean);
  std::vector<const char*> text;
  for (const auto& c : kCountries) text.push_back(c.c_str());
  const hid_t str = vlen_utf8();
  write_dataset(f, "/customers/country", str, {kRows}, text.data());
  H5Tclose(str);
  H5Gclose(H5Gcreate2(f, "/customers/extra", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
  write_vlen_attribute(f, "/customers/monetary", "role", {"kpi"}, true);
  write_vlen_attribute(f, "/customers/opt_in", "categories", {"no", "yes"}, false);
  H5Fclose(f);
}

std::string expect_input_error(const std::function<void()>& work) {
  try {
    work();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::input) << e.what();
    return e.what();
  }
  ADD_FAILURE() << "no error";
  return {};
}

class H5pyTable : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = custseg::testing::shared_temp_path(comm_, "custseg-h5py");
    if (comm_.is_root()) write_h5py_table(path_);
    comm_.barrier();
    input_.emplace(data::open_input_table(comm_, path_));
  }
  void TearDown() override {
    input_.reset();
    comm_.barrier();
    if (comm_.is_root()) std::filesystem::remove(path_);
  }
  mpi::Communicator comm_;
  std::string path_;
  std::optional<data::InputTable> input_;
};

}  // namespace

TEST_F(H5pyTable, EveryColumnIsListedAndOnlyUsedOnesAreJudged) {
  const io::TableInfo& t = input_->table;
  EXPECT_EQ(t.rows, kRows);
  EXPECT_EQ(t.layout, "custseg");
  EXPECT_EQ(std::set<std::string>(t.columns.begin(), t.columns.end()),
            (std::set<std::string>{"customer_id", "monetary", "embedding", "short", "opt_in", "country", "extra"}));
  EXPECT_EQ(t.find("country")->kind, io::ColumnKind::text);
  EXPECT_EQ(t.find("opt_in")->kind, io::ColumnKind::number);
  EXPECT_NE(expect_input_error([&] { t.require("embedding", "feature"); }).find("not one-dimensional"), std::string::npos);
  EXPECT_NE(expect_input_error([&] { t.require("short", "feature"); }).find("different lengths"), std::string::npos);
  EXPECT_NE(expect_input_error([&] { t.require("country", "feature"); }).find("holds text"), std::string::npos);
  EXPECT_NE(expect_input_error([&] { t.require("extra", "KPI"); }).find("not a dataset"), std::string::npos);
  EXPECT_EQ(t.require("country", "protected", true).name, "country");
}

TEST_F(H5pyTable, BoolsReadAsZeroOneAndTextAsWritten) {
  const io::RowBlock mine = io::block_for_rank(kRows, comm_.rank(), comm_.size());
  std::vector<double> opt_in;
  mpi::agree(comm_, [&] { opt_in = io::read_column(input_->file, input_->table, "opt_in", mine); });
  std::vector<std::string> country;
  mpi::agree(comm_, [&] { country = io::read_text_column(input_->file, input_->table, "country", mine); });
  ASSERT_EQ(opt_in.size(), mine.count);
  ASSERT_EQ(country.size(), mine.count);
  for (std::size_t i = 0; i < mine.count; ++i) {
    EXPECT_EQ(opt_in[i], (mine.begin + i) % 3 == 0 ? 1.0 : 0.0);
    EXPECT_EQ(country[i], kCountries[mine.begin + i]);
  }
}

TEST_F(H5pyTable, VariableLengthUtf8AttributesRead) {
  EXPECT_EQ(io::column_attribute(input_->file, input_->table, "monetary", "role"), std::vector<std::string>{"kpi"});
  EXPECT_EQ(io::column_categories(input_->file, input_->table, "opt_in"), (std::vector<std::string>{"no", "yes"}));
  EXPECT_TRUE(io::column_attribute(input_->file, input_->table, "country", "role").empty());
}

TEST_F(H5pyTable, TextGroupsAreTheDistinctValuesOfAllRanks) {
  const io::RowBlock mine = io::block_for_rank(kRows, comm_.rank(), comm_.size());
  const std::vector<std::string> values(kCountries.begin() + static_cast<std::ptrdiff_t>(mine.begin),
                                        kCountries.begin() + static_cast<std::ptrdiff_t>(mine.end()));
  const stats::ProtectedGroups g = stats::text_groups(comm_, "country", values);
  EXPECT_EQ(g.labels, (std::vector<std::string>{"DE", "FR", "UK", "\xC3\x89ire"}));  // byte order, "" is unknown
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (values[i].empty()) EXPECT_EQ(g.codes[i], -1);
    else EXPECT_EQ(g.labels[static_cast<std::size_t>(g.codes[i])], values[i]);
  }
}

TEST_F(H5pyTable, UnsignedIdsReadExactly) {
  const io::RowBlock mine = io::block_for_rank(kRows, comm_.rank(), comm_.size());
  const data::CustomerIds ids = data::read_customer_ids(comm_, *input_, "customer_id", mine);
  ASSERT_FALSE(ids.text);
  for (std::size_t i = 0; i < mine.count; ++i) EXPECT_EQ(ids.numbers[i], 100 + mine.begin + i);
  data::check_unique_ids(comm_, ids, mine, "customer_id", path_);  // no repeats: no error
}

namespace {

// Ids of a 23-row table with repeats that cross rank boundaries: 7 at rows 3 and 15, 9 at rows 1,
// 12 and 20. The first repeat is row 12 (of row 1's id), found by brute force below.
std::vector<std::uint64_t> ids_with_repeats() {
  std::vector<std::uint64_t> ids(23);
  for (std::size_t i = 0; i < ids.size(); ++i) ids[i] = 1000 + i;
  ids[15] = ids[3];
  ids[12] = ids[1];
  ids[20] = ids[1];
  return ids;
}

}  // namespace

TEST(CustomerIdRepeats, TheFirstRepeatIsNamedOnEveryRankForNumbersAndText) {
  const mpi::Communicator comm;
  const std::vector<std::uint64_t> all = ids_with_repeats();
  std::size_t first = all.size(), earlier = 0;
  for (std::size_t i = 0; i < all.size() && first == all.size(); ++i)
    for (std::size_t j = 0; j < i; ++j)
      if (all[j] == all[i]) {
        first = i;
        earlier = j;
        break;
      }
  ASSERT_EQ(first, 12u);
  const io::RowBlock mine = io::block_for_rank(all.size(), comm.rank(), comm.size());
  data::CustomerIds numbers, text;
  text.text = true;
  for (std::uint64_t i = mine.begin; i < mine.end(); ++i) {
    numbers.numbers.push_back(all[i]);
    text.strings.push_back("C" + std::to_string(all[i]));
  }
  const std::string rows = "rows " + std::to_string(earlier) + " and " + std::to_string(first);
  // One round, and many rounds of at most 40 bytes per rank (as a block too large for one
  // exchange would take): the same repeat either way.
  for (const std::uint64_t round_bytes : {data::kIdRoundBytes, std::uint64_t{40}}) {
    const std::string n =
        expect_input_error([&] { data::check_unique_ids(comm, numbers, mine, "customer_id", "t.h5", round_bytes); });
    EXPECT_EQ(n.find(std::to_string(all[first])), std::string::npos) << n;  // rows, never the id (docs/privacy.md)
    EXPECT_NE(n.find(rows), std::string::npos) << n;
    const std::string s =
        expect_input_error([&] { data::check_unique_ids(comm, text, mine, "customer_id", "t.h5", round_bytes); });
    EXPECT_EQ(s.find("C" + std::to_string(all[first])), std::string::npos) << s;
    EXPECT_NE(s.find(rows), std::string::npos) << s;
    // --pseudonymize-ids: the repeat is also named by its pseudonym, on every rank.
    const Pseudonymizer key("k");
    const std::string p = expect_input_error(
        [&] { data::check_unique_ids(comm, text, mine, "customer_id", "t.h5", round_bytes, &key); });
    EXPECT_NE(p.find("its pseudonym " + key.pseudonym("C" + std::to_string(all[first]))), std::string::npos) << p;
    const std::string q = expect_input_error(
        [&] { data::check_unique_ids(comm, numbers, mine, "customer_id", "t.h5", round_bytes, &key); });
    EXPECT_NE(q.find("its pseudonym " + key.pseudonym(std::to_string(all[first]))), std::string::npos) << q;
  }
}

namespace {

// This rank's block of `all` as numbers and as strings ("C" + number).
std::pair<data::CustomerIds, data::CustomerIds> ids_of_block(const std::vector<std::uint64_t>& all,
                                                             const io::RowBlock& mine) {
  data::CustomerIds numbers, text;
  text.text = true;
  for (std::uint64_t i = mine.begin; i < mine.end(); ++i) {
    numbers.numbers.push_back(all[i]);
    text.strings.push_back("C" + std::to_string(all[i]));
  }
  return {numbers, text};
}

}  // namespace

// The screens before the exact search (customer_ids.hpp): distinct ids in no order pass through
// the fingerprint exchange, sorted ids through the cross-rank order check; a repeat of adjacent
// sorted ids, which falls on a rank boundary at some rank counts, is still found and named.
TEST(CustomerIdScreens, DistinctIdsInAnyOrderPassAndSortedRepeatsAreNamed) {
  const mpi::Communicator comm;
  std::vector<std::uint64_t> shuffled(23), sorted(23);
  for (std::size_t i = 0; i < shuffled.size(); ++i) {
    shuffled[i] = 1000 + (i * 7) % 23;  // a permutation: 7 and 23 are coprime
    sorted[i] = 2000 + 3 * i;
  }
  const io::RowBlock mine = io::block_for_rank(shuffled.size(), comm.rank(), comm.size());
  for (const std::uint64_t round_bytes : {data::kIdRoundBytes, std::uint64_t{40}}) {
    for (const auto* all : {&shuffled, &sorted}) {
      const auto [numbers, text] = ids_of_block(*all, mine);
      EXPECT_NO_THROW(data::check_unique_ids(comm, numbers, mine, "customer_id", "t.h5", round_bytes));
      EXPECT_NO_THROW(data::check_unique_ids(comm, text, mine, "customer_id", "t.h5", round_bytes));
    }
  }
  for (const std::size_t row : {std::size_t{6}, std::size_t{12}, std::size_t{18}}) {
    std::vector<std::uint64_t> repeated = sorted;
    repeated[row] = repeated[row - 1];  // still non-decreasing
    const auto [numbers, text] = ids_of_block(repeated, mine);
    const std::string rows = "rows " + std::to_string(row - 1) + " and " + std::to_string(row);
    const std::string n = expect_input_error([&] { data::check_unique_ids(comm, numbers, mine, "customer_id", "t.h5"); });
    EXPECT_EQ(n.find(std::to_string(repeated[row])), std::string::npos) << n;  // rows, never the id (docs/privacy.md)
    EXPECT_NE(n.find(rows), std::string::npos) << n;
    const std::string s = expect_input_error([&] { data::check_unique_ids(comm, text, mine, "customer_id", "t.h5"); });
    EXPECT_NE(s.find(rows), std::string::npos) << s;
  }
}

namespace {

// A 1-column table whose ids are `values` stored as `type`.
std::string write_ids(const mpi::Communicator& comm, const std::string& stem, hid_t type, const void* values,
                      std::uint64_t n) {
  const std::string path = custseg::testing::shared_temp_path(comm, stem);
  if (comm.is_root()) {
    const hid_t f = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    H5Gclose(H5Gcreate2(f, "/customers", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
    write_dataset(f, "/customers/customer_id", type, {n}, values);
    H5Fclose(f);
  }
  comm.barrier();
  return path;
}

std::string read_ids_error(const mpi::Communicator& comm, const std::string& path, std::uint64_t n) {
  const data::InputTable in = data::open_input_table(comm, path);
  const std::string e = expect_input_error(
      [&] { data::read_customer_ids(comm, in, "customer_id", io::block_for_rank(n, comm.rank(), comm.size())); });
  comm.barrier();
  if (comm.is_root()) std::filesystem::remove(path);
  return e;
}

}  // namespace

TEST(CustomerIdValuesInFiles, NanNegativeFractionalAndHugeIdsNameTheirRow) {
  const mpi::Communicator comm;
  std::vector<double> floats(9, 5.0);
  for (std::size_t i = 0; i < floats.size(); ++i) floats[i] = 17850.0 + static_cast<double>(i);
  const double bad[] = {std::nan(""), -2.0, 17850.5, 18446744073709551616.0};
  // The row and the problem, never the value (docs/privacy.md).
  const char* said[] = {"holds a value that is NaN", "holds a value that is negative", "holds a value that is not a whole number",
                        "holds a value that is 2^64 or more"};
  for (std::size_t b = 0; b < 4; ++b) {
    std::vector<double> v = floats;
    v[6] = bad[b];
    const std::string e = read_ids_error(comm, write_ids(comm, "custseg-ids-f", H5T_NATIVE_DOUBLE, v.data(), v.size()), v.size());
    EXPECT_NE(e.find("id column 'customer_id'"), std::string::npos) << e;
    EXPECT_NE(e.find("row 6 " + std::string(said[b])), std::string::npos) << e;
  }
  const std::vector<std::int64_t> negative{5, 6, -1, 7};
  const std::string e = read_ids_error(comm, write_ids(comm, "custseg-ids-i", H5T_NATIVE_INT64, negative.data(), 4), 4);
  EXPECT_NE(e.find("row 2 holds a value that is negative"), std::string::npos) << e;
}

TEST(CustomerIdValuesInFiles, LargeIntegersComeBackExactly) {
  const mpi::Communicator comm;
  const std::vector<std::int64_t> signed_ids{1234567890123456789, 9007199254740993, std::numeric_limits<std::int64_t>::max()};
  const std::vector<std::uint64_t> unsigned_ids{std::numeric_limits<std::uint64_t>::max(), 9007199254740993ULL, 0};
  for (int u = 0; u < 2; ++u) {
    const std::string path = u ? write_ids(comm, "custseg-ids-u", H5T_NATIVE_UINT64, unsigned_ids.data(), 3)
                               : write_ids(comm, "custseg-ids-s", H5T_NATIVE_INT64, signed_ids.data(), 3);
    {
      const data::InputTable in = data::open_input_table(comm, path);
      const io::RowBlock mine = io::block_for_rank(3, comm.rank(), comm.size());
      const data::CustomerIds ids = data::read_customer_ids(comm, in, "customer_id", mine);
      for (std::size_t i = 0; i < mine.count; ++i)
        EXPECT_EQ(ids.numbers[i], u ? unsigned_ids[mine.begin + i] : static_cast<std::uint64_t>(signed_ids[mine.begin + i]));
    }
    comm.barrier();
    if (comm.is_root()) std::filesystem::remove(path);
  }
}

TEST(TextIds, WrittenRankByRankAndReadBackAsTheyCame) {
  const mpi::Communicator comm;
  const std::uint64_t n = 13;
  const io::RowBlock mine = io::block_for_rank(n, comm.rank(), comm.size());
  std::vector<std::string> all, block;
  for (std::uint64_t i = 0; i < n; ++i) all.push_back(i == 4 ? "" : "C1000" + std::to_string(i) + "-\xC3\xA9");
  for (std::uint64_t i = mine.begin; i < mine.end(); ++i) block.push_back(all[i]);
  const std::string path = custseg::testing::shared_temp_path(comm, "custseg-text-ids");
  std::vector<std::int32_t> segments(mine.count, 0);
  std::vector<float> distances(mine.count, 0.0f);
  mpi::agree(comm, [&] { io::write_assignments(comm, path, n, mine, {}, segments, distances, false); });
  io::write_text_ids(comm, path, n, mine, block);
  if (comm.is_root()) {
    const io::File f = io::File::open_serial(path, false);
    EXPECT_EQ(f.read_strings("/assignments/customer_id"), all);
  }
  comm.barrier();
  if (comm.is_root()) std::filesystem::remove(path);
}
