// The two common exports of Online Retail give the same customer table: the Databricks one in
// ../shared/data (ISO dates, ids written as "17850.0", LF) and the Kaggle/UCI-CSV one (dates as
// "12/1/2010 8:26", integer ids "17850", CRLF line endings). The Kaggle form is made here from
// the first 30000 rows of the real file (every InvoiceDate in it has :00 seconds, checked with
// Python's csv module, so dropping them loses nothing), written with RFC 4180 quoting.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>

#include "cli.hpp"
#include "custseg/ingest/csv.hpp"

using namespace custseg::testing;
namespace fs = std::filesystem;

namespace {

std::string bytes_of(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::string csv_field(const std::string& field) {
  if (field.find_first_of(",\"\r\n") == std::string::npos) return field;
  std::string out = "\"";
  for (char c : field) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

// "2010-12-01 08:26:00" -> "12/1/2010 8:26"
std::string kaggle_date(const std::string& iso) {
  const int year = std::stoi(iso.substr(0, 4)), month = std::stoi(iso.substr(5, 2)), day = std::stoi(iso.substr(8, 2));
  const int hour = std::stoi(iso.substr(11, 2));
  return std::to_string(month) + "/" + std::to_string(day) + "/" + std::to_string(year) + " " + std::to_string(hour) +
         ":" + iso.substr(14, 2);
}

}  // namespace

TEST(IngestFormats, IsoAndSpreadsheetExportsGiveTheSameTable) {
  ::setenv("OMPI_MCA_odls_base_sigkill_timeout", "0", 1);  // see test_ingest_errors.cpp
  const fs::path dir = scratch_dir("ingest-formats");
  fs::create_directories(dir / "iso");
  fs::create_directories(dir / "kaggle");
  const std::string source = bytes_of(shared_data() + "/online-retail/online_retail.csv");
  ASSERT_FALSE(source.empty());
  custseg::ingest::CsvParser parser(source, 1, "online_retail.csv");
  custseg::ingest::CsvRecord record;
  std::string iso, kaggle;
  for (int row = 0; row <= 30000 && parser.next(record); ++row) {
    const auto f = record.fields();  // InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country
    std::string a, b;
    for (std::size_t i = 0; i < f.size(); ++i) {
      std::string k = f[i];
      if (row > 0 && i == 4) k = kaggle_date(f[i]);
      if (row > 0 && i == 6 && k.size() > 2 && k.substr(k.size() - 2) == ".0") k.resize(k.size() - 2);
      a += (i ? "," : "") + csv_field(f[i]);
      b += (i ? "," : "") + csv_field(k);
    }
    iso += a + "\n";
    kaggle += b + "\r\n";
  }
  // The premise: the two files really differ in the three ways.
  ASSERT_NE(kaggle.find("536365,85123A,WHITE HANGING HEART T-LIGHT HOLDER,6,12/1/2010 8:26,2.55,17850,United Kingdom\r\n"),
            std::string::npos);
  ASSERT_NE(iso.find("536365,85123A,WHITE HANGING HEART T-LIGHT HOLDER,6,2010-12-01 08:26:00,2.55,17850.0,United Kingdom\n"),
            std::string::npos);
  std::ofstream(dir / "iso" / "retail.csv", std::ios::binary) << iso;
  std::ofstream(dir / "kaggle" / "retail.csv", std::ios::binary) << kaggle;

  const std::string config = " --config " + source_dir() + "/configs/ingest-online-retail.ini -q";
  for (const char* form : {"iso", "kaggle"}) {
    const auto r = run_custseg("ingest --transactions " + (dir / form / "retail.csv").string() + " --output " +
                               (dir / form / "customers.h5").string() + config);
    ASSERT_EQ(r.exit_code, 0) << form << ": " << r.output;
  }
  EXPECT_EQ(bytes_of((dir / "iso" / "customers.h5").string()), bytes_of((dir / "kaggle" / "customers.h5").string()));
  auto a = nlohmann::json::parse(bytes_of((dir / "iso" / "customers.h5.quality.json").string()));
  auto b = nlohmann::json::parse(bytes_of((dir / "kaggle" / "customers.h5.quality.json").string()));
  EXPECT_EQ(a["rows_read"], 30000);
  EXPECT_GT(a["customers"].get<int>(), 100);
  a.erase("input");
  b.erase("input");
  EXPECT_EQ(a, b);
  fs::remove_all(dir);
}
