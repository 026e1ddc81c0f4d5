// custseg ingest --table on the aggregated customer tables in ../shared/data at CUSTSEG_TEST_NP
// ranks. Expected figures are the facts in each data set's SOURCE.txt (computed there
// independently of custseg); the credit-card table is also split into 4 KiB parts and compared
// byte for byte with a single-part 1-rank run.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <iterator>
#include <map>
#include <nlohmann/json.hpp>
#include <numeric>

#include "cli.hpp"
#include "custseg/io/hdf5.hpp"

using namespace custseg::testing;
namespace fs = std::filesystem;
using custseg::io::File;

namespace {

class IngestTables : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { dir_ = scratch_dir("ingest-tables"); }
  static void TearDownTestSuite() { fs::remove_all(dir_); }
  static std::string out(const std::string& name) { return (dir_ / name).string(); }
  static inline fs::path dir_;
};

nlohmann::json read_json(const std::string& path) {
  std::ifstream in(path);
  return nlohmann::json::parse(in);
}

std::string bytes_of(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

template <class T>
double sum(const std::vector<T>& v) {
  return std::accumulate(v.begin(), v.end(), 0.0, [](double a, T x) { return std::isnan(static_cast<double>(x)) ? a : a + static_cast<double>(x); });
}

}  // namespace

TEST_F(IngestTables, CreditCardStringIdsMissingValuesAndTypes) {
  const std::string h5 = out("cards.h5");
  const std::string args = "ingest --config " + source_dir() + "/configs/ingest-table.ini --table " + shared_data() +
                           "/credit-card-general/cc_general.csv -q --output ";
  const auto r = run_custseg(args + h5 + " --read-block-bytes 4k");  // 4096: size suffixes as --memory-limit
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const File f = File::open_serial(h5, false);
  // "C10001" .. "C19190" kept as written, in file order, as variable-length UTF-8 strings
  // (read with h5py: io::File::read_strings does not convert UTF-8 variable-length strings yet).
  const auto py = run_shell("/usr/bin/python3 -c \"import h5py,sys; d=h5py.File(sys.argv[1])['customers/customer_id']; "
                            "assert h5py.check_string_dtype(d.dtype).encoding == 'utf-8'; "
                            "v=d.asstr()[:]; print(len(v), v[0], v[-1], len(set(v)))\" " + h5);
  EXPECT_EQ(py.output, "8950 C10001 C19190 8950\n");
  EXPECT_EQ(f.read_string_attribute("/customers/customer_id", "source_name"), std::vector<std::string>{"CUST_ID"});
  const auto q = read_json(h5 + ".quality.json");
  EXPECT_EQ(q["rows_read"], 8950);
  EXPECT_EQ(q["id_type"], "string");
  EXPECT_EQ(q["columns"]["CREDIT_LIMIT"]["missing"], 1);
  EXPECT_EQ(q["columns"]["MINIMUM_PAYMENTS"]["missing"], 313);
  EXPECT_EQ(q["columns"]["BALANCE"]["missing"], 0);
  EXPECT_EQ(q["columns"]["TENURE"]["type"], "int32");
  EXPECT_EQ(q["columns"]["MINIMUM_PAYMENTS"]["type"], "float64");
  const auto limit = f.read_all<double>("/customers/CREDIT_LIMIT");
  EXPECT_EQ(std::count_if(limit.begin(), limit.end(), [](double x) { return std::isnan(x); }), 1);
  EXPECT_NEAR(sum(f.read_all<double>("/customers/BALANCE")) / 8950, 1564.474828, 1e-6);
  EXPECT_NEAR(sum(f.read_all<double>("/customers/MINIMUM_PAYMENTS")) / (8950 - 313), 864.206542, 1e-6);
  const auto tenure = f.read_all<std::int32_t>("/customers/TENURE");
  EXPECT_EQ(std::count(tenure.begin(), tenure.end(), 12), 7584);
  EXPECT_EQ(std::count(tenure.begin(), tenure.end(), 6), 204);
  if (test_np() > 1) {
    const auto ref = run_custseg(args + out("cards-ref.h5"), 1);
    ASSERT_EQ(ref.exit_code, 0) << ref.output;
    EXPECT_EQ(bytes_of(h5), bytes_of(out("cards-ref.h5")));
  }
}

TEST_F(IngestTables, WholesaleWithoutIdColumnIsNumberedFromOne) {
  const std::string h5 = out("wholesale.h5");
  const auto r = run_custseg("ingest --table " + shared_data() + "/wholesale-customers/wholesale_customers_data.csv "
                             "--id-column none -q --output " + h5);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const File f = File::open_serial(h5, false);
  const auto ids = f.read_all<std::uint64_t>("/customers/customer_id");
  ASSERT_EQ(ids.size(), 440U);
  for (std::size_t i = 0; i < ids.size(); ++i) EXPECT_EQ(ids[i], i + 1);
  EXPECT_EQ(f.type_class("/customers/Fresh"), custseg::io::TypeClass::integer);
  EXPECT_EQ(sum(f.read_all<std::int32_t>("/customers/Fresh")), 5280131);
  EXPECT_EQ(sum(f.read_all<std::int32_t>("/customers/Delicassen")), 670943);
  EXPECT_EQ(sum(f.read_all<std::int32_t>("/customers/Channel")), 582);
  EXPECT_EQ(sum(f.read_all<std::int32_t>("/customers/Region")), 1119);
  const auto channel = f.read_all<std::int32_t>("/customers/Channel");
  EXPECT_EQ(std::count(channel.begin(), channel.end(), 1), 298);
}

TEST_F(IngestTables, MallCustomersCategoricalGenre) {
  const std::string h5 = out("mall.h5");
  const auto r = run_custseg("ingest --table " + shared_data() + "/mall-customers/Mall_Customers.csv "
                             "--id-column CustomerID -q --output " + h5);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const File f = File::open_serial(h5, false);
  const auto ids = f.read_all<std::uint64_t>("/customers/customer_id");
  ASSERT_EQ(ids.size(), 200U);
  EXPECT_EQ(ids.front(), 1U);  // "0001"
  EXPECT_EQ(ids.back(), 200U);
  const auto labels = f.read_string_attribute("/customers/Genre", "categories");
  EXPECT_EQ(labels, (std::vector<std::string>{"Female", "Male"}));
  const auto genre = f.read_all<std::int32_t>("/customers/Genre");
  EXPECT_EQ(std::count(genre.begin(), genre.end(), 0), 112);
  EXPECT_EQ(std::count(genre.begin(), genre.end(), 1), 88);
  EXPECT_EQ(sum(f.read_all<std::int32_t>("/customers/Age")), 7770);
  EXPECT_EQ(sum(f.read_all<std::int32_t>("/customers/Annual Income (k$)")), 12112);
  EXPECT_EQ(sum(f.read_all<std::int32_t>("/customers/Spending Score (1-100)")), 10040);
  EXPECT_EQ(f.read_string_attribute("/customers/Annual Income (k$)", "source_name"),
            std::vector<std::string>{"Annual Income (k$)"});
}
