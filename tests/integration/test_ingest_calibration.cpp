// ingest --calibration-end at CUSTSEG_TEST_NP ranks on the CDNOW master file: the CLV models'
// columns (frequency, recency, T, monetary_value, holdout_frequency, holdout_value) equal an
// independent Python computation (check_calibration.py), in weeks and in days, with customers
// outside the calibration cohort as NaN; the table is byte-identical to a 1-rank run; `custseg
// clv` reads it as it is and gives the parameters of the SciPy reference (tests/clv); misuse is
// refused.
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>

#include "cli.hpp"

using namespace custseg::testing;
namespace fs = std::filesystem;

namespace {

std::string cdnow() { return shared_data() + "/cdnow/CDNOW_master.txt"; }

class IngestCalibration : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { dir_ = scratch_dir("ingest-calibration"); }
  static void TearDownTestSuite() { fs::remove_all(dir_); }
  static std::string path(const std::string& name) { return (dir_ / name).string(); }
  static RunResult ingest(const std::string& out, const std::string& extra, int np = test_np()) {
    return run_custseg("ingest --config " + source_dir() + "/configs/ingest-cdnow.ini --transactions " + cdnow() +
                           " --output " + out + " -q " + extra,
                       np);
  }
  static RunResult check(const std::string& table, const std::string& end, int unit_days) {
    return run_shell("/usr/bin/python3 " + source_dir() + "/tests/integration/check_calibration.py " + cdnow() + " " +
                     table + " " + end + " " + std::to_string(unit_days));
  }
  static inline fs::path dir_;
};

std::string bytes_of(const std::string& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace

// The papers' split: 39 weeks of calibration (1997-01-01 .. 1997-09-30), 39 weeks of holdout.
TEST_F(IngestCalibration, CdnowWeeksMatchPythonAndClvFitsThemAsTheyAre) {
  const std::string table = path("weeks.h5");
  const auto r = ingest(table, "--calibration-end 1997-09-30");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto c = check(table, "1997-09-30", 7);
  EXPECT_EQ(c.exit_code, 0) << c.output;
  if (test_np() > 1) {
    const auto ref = ingest(path("weeks-ref.h5"), "--calibration-end 1997-09-30", 1);
    ASSERT_EQ(ref.exit_code, 0) << ref.output;
    EXPECT_EQ(bytes_of(table), bytes_of(path("weeks-ref.h5")));
  }
  // clv's default columns are the ones ingest writes. SciPy's fit of the same statistics
  // (tests/clv/cdnow_reference.py, README): r = 0.2516239597, alpha = 4.788943004,
  // a = 0.7234335308, b = 2.161088047; p = 6.275359489, q = 3.62444995, gamma = 14.98368548.
  const auto fit = run_custseg("clv --input " + table + " --output " + path("clv") + " --horizon 39 -q --overwrite");
  ASSERT_EQ(fit.exit_code, 0) << fit.output;
  std::ifstream in(path("clv") + "/clv.json");
  const auto j = nlohmann::json::parse(in);
  const std::pair<const char*, double> bgnbd[] = {{"r", 0.2516239597}, {"alpha", 4.788943004}, {"a", 0.7234335308},
                                                  {"b", 2.161088047}};
  for (const auto& [name, value] : bgnbd) EXPECT_NEAR(j["bgnbd"]["params"][name].get<double>(), value, 1e-4 * value) << name;
  const std::pair<const char*, double> spend[] = {{"p", 6.275359489}, {"q", 3.62444995}, {"gamma", 14.98368548}};
  for (const auto& [name, value] : spend)
    EXPECT_NEAR(j["gamma_gamma"]["params"][name].get<double>(), value, 1e-4 * value) << name;
  EXPECT_EQ(j["bgnbd"]["customers"], 23570);
  EXPECT_EQ(j["bgnbd"]["excluded"], 0);
  const auto ids = run_shell("/usr/bin/python3 -c \"import h5py,numpy as np,sys; "
                             "a=h5py.File(sys.argv[1])['customers/customer_id'][()]; "
                             "b=h5py.File(sys.argv[2])['customers/customer_id'][()]; assert np.array_equal(a, b)\" " +
                             table + " " + path("clv") + "/clv.h5");
  EXPECT_EQ(ids.exit_code, 0) << "clv.h5 carries the table's ids: " << ids.output;
}

// String ids (a shop's "C0001") pass from the log through the table to clv.h5 unchanged; the
// purchases of this log are uniform in time, not BG/NBD's, and the fit still ends (a bound).
TEST_F(IngestCalibration, StringIdsReachClvH5) {
  const std::string log = path("string-ids-np" + std::to_string(test_np()) + ".csv");
  const auto made = run_shell(
      "/usr/bin/python3 -c \"import datetime,random,sys; random.seed(1); f=open(sys.argv[1],'w'); "
      "f.write('InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\\n'); n=0\n"
      "for c in range(300):\n"
      "  for k in range(random.randint(1,6)):\n"
      "    n+=1; day=datetime.date(2011,1,1)+datetime.timedelta(days=random.randint(1,360))\n"
      "    f.write(f'{n},X,d,{random.randint(1,5)},{day} 10:00,{random.randint(1,50)}.5,C{c:04d},UK\\n')\" " + log);
  ASSERT_EQ(made.exit_code, 0) << made.output;
  const std::string table = path("string-ids.h5");
  const auto r = run_custseg("ingest --config " + source_dir() + "/configs/ingest-online-retail.ini --transactions " + log +
                             " --date-format '%Y-%m-%d %H:%M' --calibration-end 2011-09-30 -q --overwrite --output " + table);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto fit = run_custseg("clv --input " + table + " --output " + path("clv-strings") + " -q --overwrite");
  ASSERT_EQ(fit.exit_code, 0) << fit.output;
  const auto ids = run_shell("/usr/bin/python3 -c \"import h5py,sys; "
                             "a=list(h5py.File(sys.argv[1])['customers/customer_id'].asstr()[()]); "
                             "b=list(h5py.File(sys.argv[2])['customers/customer_id'].asstr()[()]); "
                             "assert a == b and a[0] == 'C0000', (a[:3], b[:3])\" " +
                             table + " " + path("clv-strings") + "/clv.h5");
  EXPECT_EQ(ids.exit_code, 0) << ids.output;
}

// An early end in days: customers whose first purchase is later are outside the cohort (NaN),
// and clv leaves them out, counted, with NaN predictions.
TEST_F(IngestCalibration, CustomersAfterAnEarlyEndAreOutsideTheCohort) {
  const std::string table = path("days.h5");
  const auto r = ingest(table, "--calibration-end 1997-02-15 --time-unit days");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto c = check(table, "1997-02-15", 1);
  EXPECT_EQ(c.exit_code, 0) << c.output;
  const auto fit = run_custseg("clv --input " + table + " --output " + path("clv-days") + " --horizon 30 -q --overwrite");
  ASSERT_EQ(fit.exit_code, 0) << fit.output;
  const auto count = run_shell("/usr/bin/python3 -c \"import h5py,json,numpy as np,sys; "
                               "t=h5py.File(sys.argv[1])['customers']['T'][()]; "
                               "p=h5py.File(sys.argv[2]+'/clv.h5')['customers']['p_alive'][()]; "
                               "j=json.load(open(sys.argv[2]+'/clv.json')); n=int(np.isnan(t).sum()); "
                               "assert n > 0 and j['bgnbd']['excluded'] == n, (n, j['bgnbd']['excluded']); "
                               "assert np.array_equal(np.isnan(p), np.isnan(t)); print(n)\" " +
                               table + " " + path("clv-days"));
  EXPECT_EQ(count.exit_code, 0) << count.output;
}

TEST_F(IngestCalibration, MisuseIsRefused) {
  const auto before = ingest(path("early.h5"), "--calibration-end 1996-12-31");
  EXPECT_EQ(before.exit_code, 3) << before.output;
  EXPECT_NE(before.output.find("is before the first transaction"), std::string::npos) << before.output;
  EXPECT_FALSE(fs::exists(path("early.h5")));
  const auto unit = ingest(path("unit.h5"), "--calibration-end 1997-09-30 --time-unit months");
  EXPECT_EQ(unit.exit_code, 2) << unit.output;
  EXPECT_NE(unit.output.find("--time-unit 'months'"), std::string::npos) << unit.output;
  const auto date = ingest(path("date.h5"), "--calibration-end 1997-13-01");
  EXPECT_EQ(date.exit_code, 2) << date.output;
}
