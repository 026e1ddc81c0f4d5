// CSV as people have it, through custseg ingest at CUSTSEG_TEST_NP ranks: other delimiters (a
// ';' European export, the whitespace-separated CDNOW panel file, with and without its header
// line), decimal commas, day-first dates, column names as the source wrote them (and used by
// segment --features), and customer ids that are strings or are not exact integers.
//
// Expected figures come from outside custseg: the comma-separated original of the same data
// (byte-identical tables), SOURCE.txt facts, and for CDNOW an independent Python computation
// (python3: Decimal sums of dollar_value > 0, distinct dates per customer; see the test).
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <numeric>

#include "cli.hpp"
#include "custseg/io/hdf5.hpp"

using namespace custseg::testing;
namespace fs = std::filesystem;
using custseg::io::File;

namespace {

class IngestDialects : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = scratch_dir("ingest-dialects");
    ::setenv("OMPI_MCA_odls_base_sigkill_timeout", "0", 1);  // quick teardown after expected failures
  }
  static void TearDownTestSuite() { fs::remove_all(dir_); }
  static std::string path(const std::string& name) {
    fs::create_directories((dir_ / name).parent_path());
    return (dir_ / name).string();
  }
  static std::string write(const std::string& name, const std::string& content) {
    std::ofstream(path(name), std::ios::binary) << content;
    return path(name);
  }
  // Expects exit 3, `message` in the output, and no table.
  static void expect_refused(const std::string& args, const std::string& out, const std::string& message) {
    const auto r = run_custseg("ingest " + args + " --output " + out);
    EXPECT_EQ(r.exit_code, 3) << r.output;
    EXPECT_NE(r.output.find(message), std::string::npos) << "expected '" << message << "' in:\n" << r.output;
    EXPECT_FALSE(fs::exists(out));
  }
  static inline fs::path dir_;
};

std::string bytes_of(const std::string& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

nlohmann::json read_json(const std::string& p) {
  std::ifstream in(p);
  return nlohmann::json::parse(in);
}

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  for (auto pos = s.find(from); pos != std::string::npos; pos = s.find(from, pos + to.size())) s.replace(pos, from.size(), to);
  return s;
}

// /customers/customer_id as h5py reads it (an independent reader): a JSON list of str, after
// checking the dataset is variable-length UTF-8 text.
nlohmann::json h5py_string_ids(const std::string& file) {
  const auto py = run_shell("/usr/bin/python3 -c \"import h5py,json,sys; d=h5py.File(sys.argv[1])['customers/customer_id']; "
                            "assert h5py.check_string_dtype(d.dtype).encoding == 'utf-8'; "
                            "assert h5py.check_string_dtype(d.dtype).length is None; "
                            "print(json.dumps(list(d.asstr()[:]), ensure_ascii=False))\" " + file);
  EXPECT_EQ(py.exit_code, 0) << py.output;
  return py.exit_code == 0 ? nlohmann::json::parse(py.output) : nlohmann::json();
}

std::string cdnow() { return shared_data() + "/cdnow/CDNOW_master.txt"; }

const std::string kCdnowOptions =
    " --delimiter whitespace --id-column customer_id --date-column date --date-format %Y%m%d"
    " --invoice-column date --quantity-column number_of_cds --amount-column dollar_value --cancel-prefix ''"
    " --currency USD -q";

}  // namespace

TEST_F(IngestDialects, SemicolonExportIsRefusedByDefaultAndReadLikeTheCommaFileWithTheOption) {
  const std::string original = bytes_of(shared_data() + "/wholesale-customers/wholesale_customers_data.csv");
  ASSERT_FALSE(original.empty());
  // The public ';' copy of the same data (SOURCE.txt); like the original, CRLF line ends.
  ASSERT_NE(original.find("\r\n"), std::string::npos);
  const std::string semi = write("semi/wholesale.csv", replace_all(original, ",", ";"));
  const std::string comma = write("comma/wholesale.csv", original);
  expect_refused("--table " + semi + " --id-column none", path("semi/refused.h5"),
                 "the header has one column ('Channel;Region;Fresh;Milk;Grocery;Frozen;Detergents_Paper;Delicassen') "
                 "but holds ';'; is the delimiter ;? pass --delimiter ';'");
  const auto r = run_custseg("ingest --table " + semi + " --delimiter ';' --id-column none -q --output " + path("semi/t.h5"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto ref = run_custseg("ingest --table " + comma + " --id-column none -q --output " + path("comma/t.h5"), 1);
  ASSERT_EQ(ref.exit_code, 0) << ref.output;
  // Same file name, same content: the tables must be the same bytes.
  EXPECT_EQ(bytes_of(path("semi/t.h5")), bytes_of(path("comma/t.h5")));
  const File f = File::open_serial(path("semi/t.h5"), false);
  EXPECT_EQ(f.children("/customers").size(), 9U);
  const auto fresh = f.read_all<std::int32_t>("/customers/Fresh");
  EXPECT_EQ(std::accumulate(fresh.begin(), fresh.end(), 0LL), 5280131);  // SOURCE.txt
}

TEST_F(IngestDialects, DecimalCommasInASemicolonTransactionLog) {
  const std::string log = write("tx/tx_semicolon.csv",
      "InvoiceNo;StockCode;Description;Quantity;InvoiceDate;UnitPrice;CustomerID;Country\r\n"
      "620001;22423;KUCHENSTAENDER;2;2011-06-01 10:00:00;12,75;31001;Germany\r\n"
      "620002;85099B;TASCHE;10;2011-06-02 10:00:00;1,95;31002;Austria\r\n"
      "620003;22423;KUCHENSTAENDER;1;2011-06-03 10:00:00;1.012,50;31001;Germany\r\n");
  const std::string config = " --config " + source_dir() + "/configs/ingest-online-retail.ini";
  expect_refused("--transactions " + log + config, path("tx/a.h5"), "pass --delimiter ';'");
  expect_refused("--transactions " + log + config + " --delimiter ';'", path("tx/b.h5"),
                 "line 2: unit price '12,75' is written with ',' as the decimal mark; pass --decimal ','");
  const auto r = run_custseg("ingest --transactions " + log + config + " --delimiter ';' --decimal , -q --output " +
                             path("tx/c.h5"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const File f = File::open_serial(path("tx/c.h5"), false);
  EXPECT_EQ(f.read_all<std::uint64_t>("/customers/customer_id"), (std::vector<std::uint64_t>{31001, 31002}));
  // 2 x 12.75 + 1 x 1012.50 and 10 x 1.95, exactly.
  EXPECT_EQ(f.read_all<double>("/customers/revenue"), (std::vector<double>{1038.0, 19.5}));
}

TEST_F(IngestDialects, DecimalCommasInATable) {
  const std::string table = write("dec/table.csv", "id;Spend;Visits\r\n1;12,75;3\r\n2;1.001,50;1\r\n3;;2\r\n");
  expect_refused("--table " + table + " --delimiter ';' --id-column id", path("dec/a.h5"),
                 "column 'Spend' holds numbers written with ',' as the decimal mark; pass --decimal ','");
  const auto r = run_custseg("ingest --table " + table + " --delimiter ';' --decimal , --id-column id -q --output " +
                             path("dec/b.h5"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const File f = File::open_serial(path("dec/b.h5"), false);
  const auto spend = f.read_all<double>("/customers/Spend");
  ASSERT_EQ(spend.size(), 3U);
  EXPECT_EQ(spend[0], 12.75);
  EXPECT_EQ(spend[1], 1001.5);
  EXPECT_TRUE(std::isnan(spend[2]));
  EXPECT_EQ(f.read_all<std::int32_t>("/customers/Visits"), (std::vector<std::int32_t>{3, 1, 2}));
}

TEST_F(IngestDialects, CdnowPanelFileAsATransactionLog) {
  const std::string out = path("cdnow/cdnow.h5");
  const auto r = run_custseg("ingest --transactions " + cdnow() + kCdnowOptions + " --output " + out);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  // Independent figures (python3, Decimal): 69,659 rows of 23,570 customers (SOURCE.txt); 80
  // rows of dollar_value 0; sum of the others 2500315.63; 67,511 distinct (customer, date)
  // pairs among them; 68 customers with only zero-value rows; customer 2: 89.00 on one day.
  const auto q = read_json(out + ".quality.json");
  EXPECT_EQ(q["rows_read"], 69659);
  EXPECT_EQ(q["rows_used_as_purchases"], 69659 - 80);
  EXPECT_EQ(q["customers"], 23570);
  EXPECT_EQ(q["set_aside"]["zero_price"]["count"], 80);
  EXPECT_EQ(q["customers_without_purchases"], 68);
  EXPECT_EQ(q["purchases_total"], "2500315.6300");
  EXPECT_EQ(q["first_transaction"], "1997-01-01 00:00:00");
  EXPECT_EQ(q["last_transaction"], "1998-06-30 00:00:00");
  const File f = File::open_serial(out, false);
  const auto ids = f.read_all<std::uint64_t>("/customers/customer_id");
  ASSERT_EQ(ids.size(), 23570U);
  EXPECT_EQ(ids.front(), 1U);  // "00001"
  EXPECT_EQ(ids.back(), 23570U);
  const auto frequency = f.read_all<std::int32_t>("/customers/frequency");
  EXPECT_EQ(std::accumulate(frequency.begin(), frequency.end(), 0LL), 67511);
  EXPECT_EQ(frequency[1], 1);
  EXPECT_EQ(f.read_all<double>("/customers/revenue")[1], 89.0);
  EXPECT_EQ(f.read_all<double>("/customers/recency_days")[1], 535.0);  // 1997-01-12 to 1998-07-01
  if (test_np() > 1) {
    // The reference run reads the same options from configs/ingest-cdnow.ini.
    const auto ref = run_custseg("ingest --transactions " + cdnow() + " --config " + source_dir() +
                                 "/configs/ingest-cdnow.ini -q --output " + path("cdnow/ref.h5"), 1);
    ASSERT_EQ(ref.exit_code, 0) << ref.output;
    EXPECT_EQ(bytes_of(out), bytes_of(path("cdnow/ref.h5")));
  }
}

TEST_F(IngestDialects, HeaderlessFileNamesItsColumnsWithTheColumnsOption) {
  const std::string original = bytes_of(cdnow());
  ASSERT_FALSE(original.empty());
  // The same panel without its header line: --columns names the columns, line 1 is data.
  const std::string bare = write("bare/CDNOW_master.txt", original.substr(original.find('\n') + 1));
  const std::string with = write("with/CDNOW_master.txt", original);
  const std::string names = " --columns customer_id,date,number_of_cds,dollar_value";
  const auto r = run_custseg("ingest --transactions " + bare + kCdnowOptions + names + " --read-block-bytes 100000 --output " +
                             path("bare/t.h5"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto ref = run_custseg("ingest --transactions " + with + kCdnowOptions + " --output " + path("with/t.h5"), 1);
  ASSERT_EQ(ref.exit_code, 0) << ref.output;
  EXPECT_EQ(bytes_of(path("bare/t.h5")), bytes_of(path("with/t.h5")));
  // Line numbers count from the first data line: a bad row on line 3 of the bare file is named so.
  const std::string broken = write("bare/broken.txt", "00001 19970101 1 11.77\n00002 19970112 1 12.00\n00003 19970102 2\n");
  expect_refused("--transactions " + broken + kCdnowOptions + names, path("bare/broken.h5"),
                 "line 3 has 3 fields but the header has 4");
}

TEST_F(IngestDialects, DayFirstDatesReadMonthFirstAreRefusedAtTheFirstContradictingLine) {
  // 300 rows day-first; days 1..12 for the first 240 rows (they would be misread silently),
  // then day 13 on line 242. Small parts put that line on another rank than line 2.
  std::string csv = "InvoiceNo,StockCode,Quantity,InvoiceDate,UnitPrice,CustomerID\n";
  for (int i = 0; i < 300; ++i) {
    const int day = i < 240 ? 1 + i % 12 : 13 + i % 10;
    csv += std::to_string(500000 + i) + ",A,1," + (day < 10 ? "0" : "") + std::to_string(day) + "/03/2011 10:00,1.50," +
           std::to_string(12000 + i % 7) + "\n";
  }
  const std::string log = write("dates/dayfirst.csv", csv);
  const std::string cols = " --id-column CustomerID --invoice-column InvoiceNo --date-column InvoiceDate "
                           "--quantity-column Quantity --price-column UnitPrice --read-block-bytes 512";
  expect_refused("--transactions " + log + cols, path("dates/auto.h5"),
                 "line 242: date '13/03/2011 10:00' does not fit --date-format auto");
  expect_refused("--transactions " + log + cols + " --date-format '%m/%d/%Y %H:%M'", path("dates/mdy.h5"),
                 "line 242: date '13/03/2011 10:00' does not fit --date-format %m/%d/%Y %H:%M but fits %d/%m/%Y %H:%M");
  const auto r = run_custseg("ingest --transactions " + log + cols + " --date-format '%d/%m/%Y %H:%M' -q --output " +
                             path("dates/dmy.h5"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto q = read_json(path("dates/dmy.h5") + ".quality.json");
  EXPECT_EQ(q["first_transaction"], "2011-03-01 10:00:00");
  EXPECT_EQ(q["last_transaction"], "2011-03-22 10:00:00");
  EXPECT_EQ(q["set_aside"]["unparsable_date"]["count"], 0);
}

TEST_F(IngestDialects, ColumnNamesAsWrittenWorkInSegmentFeatures) {
  const std::string h5 = path("names/mall.h5");
  auto r = run_custseg("ingest --table " + shared_data() + "/mall-customers/Mall_Customers.csv --id-column customerid -q "
                       "--output " + h5);  // --id-column matches the header ignoring case when unambiguous
  ASSERT_EQ(r.exit_code, 0) << r.output;
  r = run_custseg("segment --input " + h5 + " --output " + path("names/seg") +
                  " --features 'Annual Income (k$),Spending Score (1-100)' --k 5 --seed 1 -q");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  // A name with '/', one of dots only and one with '%': escaped links, found by their header names.
  const std::string odd = write("names/odd.csv", "id,Spend/Visit,.,50% share\n1,2.5,1,3\n2,4.0,2,1\n3,1.0,3,2\n4,8.5,1,1\n");
  r = run_custseg("ingest --table " + odd + " --id-column id -q --output " + path("names/odd.h5"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const File f = File::open_serial(path("names/odd.h5"), false);
  EXPECT_EQ(f.children("/customers"), (std::vector<std::string>{"customer_id", "Spend%2FVisit", "%2E", "50%25 share"}));
  EXPECT_EQ(f.read_string_attribute("/customers/Spend%2FVisit", "source_name"), std::vector<std::string>{"Spend/Visit"});
  r = run_custseg("segment --input " + path("names/odd.h5") + " --output " + path("names/odd-seg") +
                  " --features 'Spend/Visit,.,50% SHARE' --k 2 --seed 1 -q");
  EXPECT_EQ(r.exit_code, 0) << r.output;
}

TEST_F(IngestDialects, IdsThatAreNotExactNonNegativeIntegersAreRefusedNamingTheLine) {
  std::string rows = "id,value\n";
  for (int i = 1; i <= 80; ++i) rows += std::to_string(17000 + i) + "," + std::to_string(i % 9) + "\n";
  int n = 0;
  for (const char* bad : {"-1", "17850.5", "18446744073709551616", "", "NaN"}) {
    // Line 62 in the middle of the file; a later bad id (line 75) must not be the one named.
    std::string content = rows;
    const auto at = [&](int line) {
      std::size_t pos = 0;
      for (int l = 1; l < line; ++l) pos = content.find('\n', pos) + 1;
      return pos;
    };
    content.replace(at(62), content.find(',', at(62)) - at(62), bad);
    content.replace(at(75), content.find(',', at(75)) - at(75), "-7");
    const std::string csv = write("ids/bad" + std::to_string(n) + ".csv", content);
    expect_refused("--table " + csv + " --id-column id --read-block-bytes 256", path("ids/bad" + std::to_string(n++) + ".h5"),
                   "line 62: the customer id is");
  }
  // The largest uint64 is an id, read back exactly.
  const std::string big = write("ids/big.csv", "id,value\n18446744073709551615,1\n9007199254740993,2\n0001,3\n");
  const auto r = run_custseg("ingest --table " + big + " --id-column id -q --output " + path("ids/big.h5"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(File::open_serial(path("ids/big.h5"), false).read_all<std::uint64_t>("/customers/customer_id"),
            (std::vector<std::uint64_t>{18446744073709551615ULL, 9007199254740993ULL, 1}));
}

TEST_F(IngestDialects, StringIdsAreKeptExactlyAsUtf8StringsThatH5pyReads) {
  const std::vector<std::string> ids{"C10001", "3f2a9c1e-7b1d-4c55-9a0e-2b7f6d1c8e90", "a1b2c3@example.com",
                                     "  padded ", "Müller, Jürgen", "17850", "0042"};
  std::string csv = "CustomerKey,Spend\n";
  for (std::size_t i = 0; i < ids.size(); ++i)
    csv += (ids[i].find(',') != std::string::npos ? "\"" + ids[i] + "\"" : ids[i]) + "," + std::to_string(i * 10) + "\n";
  const std::string table = write("text/keys.csv", csv);
  const std::string out = path("text/keys.h5");
  const auto r = run_custseg("ingest --table " + table + " --id-column CustomerKey --read-block-bytes 64 -q --output " + out);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  // h5py reads it as str: a variable-length UTF-8 string dataset, h5py's own default for str.
  EXPECT_EQ(h5py_string_ids(out), nlohmann::json(ids));
  if (test_np() > 1) {
    const auto ref = run_custseg("ingest --table " + table + " --id-column CustomerKey -q --output " + path("text/ref.h5"), 1);
    ASSERT_EQ(ref.exit_code, 0) << ref.output;
    EXPECT_EQ(bytes_of(out), bytes_of(path("text/ref.h5")));
  }
  expect_refused("--table " + write("text/dup.csv", "k,v\nA1,1\nB2,2\nA1,3\n") + " --id-column k", path("text/dup.h5"),
                 "lines 2 and 4 hold the same customer id");
  expect_refused("--table " + write("text/gap.csv", "k,v\nA1,1\n,2\nB3,3\n") + " --id-column k", path("text/gap.h5"),
                 "line 3: the customer id is missing");
}

TEST_F(IngestDialects, StringIdsInATransactionLogAreKeptAndSortedByTheirBytes) {
  // Hashed e-mails and prefixed ids; one customer's rows spread over the file (and ranks).
  const std::vector<std::string> ids{"C10001", "a1b2c3@example.com", "Müller", "C9", "0042"};
  std::string csv = "InvoiceNo,StockCode,Quantity,InvoiceDate,UnitPrice,CustomerID\n";
  for (int i = 0; i < 60; ++i)
    csv += std::to_string(700000 + i) + ",A," + std::to_string(1 + i % 3) + ",2011-05-" + (i % 28 < 9 ? "0" : "") +
           std::to_string(1 + i % 28) + " 10:00,2.50," + ids[static_cast<std::size_t>(i) % ids.size()] + "\n";
  const std::string log = write("txtext/log.csv", csv);
  const std::string cols = " --id-column CustomerID --invoice-column InvoiceNo --date-column InvoiceDate "
                           "--quantity-column Quantity --price-column UnitPrice --read-block-bytes 300 -q";
  const std::string out = path("txtext/t.h5");
  const auto r = run_custseg("ingest --transactions " + log + cols + " --output " + out);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  // Sorted by bytes; "0042" among string ids joins them in its canonical form "42".
  EXPECT_EQ(h5py_string_ids(out), nlohmann::json({"42", "C10001", "C9", "Müller", "a1b2c3@example.com"}));
  // Revenue per customer, computed here independently: rows i = k, k+5, ... of 60.
  std::vector<double> expected(ids.size(), 0.0);
  for (int i = 0; i < 60; ++i) expected[static_cast<std::size_t>(i) % ids.size()] += (1 + i % 3) * 2.5;
  const File f = File::open_serial(out, false);
  EXPECT_EQ(f.read_all<double>("/customers/revenue"),
            (std::vector<double>{expected[4], expected[0], expected[3], expected[2], expected[1]}));
  if (test_np() > 1) {
    const auto ref = run_custseg("ingest --transactions " + log + cols + " --output " + path("txtext/ref.h5"), 1);
    ASSERT_EQ(ref.exit_code, 0) << ref.output;
    EXPECT_EQ(bytes_of(out), bytes_of(path("txtext/ref.h5")));
  }
}
