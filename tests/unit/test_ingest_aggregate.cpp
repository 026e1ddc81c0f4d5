// Transaction rows -> per-customer summaries -> features, without MPI.
#include <gtest/gtest.h>

#include <cmath>
#include <map>

#include "custseg/ingest/csv.hpp"
#include "custseg/ingest/quality_report.hpp"
#include "custseg/ingest/transactions.hpp"
#include "custseg/ingest/values.hpp"
#include "custseg/util/error.hpp"

using namespace custseg::ingest;

namespace {

// Columns: invoice, product, quantity, date, price, customer, country (Online Retail's order,
// minus the description). Comments give each row's expected disposition.
const char* const kRows[] = {
    "536365,A,6,2010-12-01 08:26:00,2.55,17850.0,United Kingdom",  // line 2  purchase
    "536365,B,2,2010-12-01 08:26:00,3.39,17850.0,United Kingdom",  // line 3  purchase (same invoice)
    "536366,A,1,2010-12-03 09:00:00,2.55,17850.0,United Kingdom",  // line 4  purchase (same product)
    "C536367,A,-1,2010-12-04 10:00:00,2.55,17850.0,France",        // line 5  cancelled, netted; latest row
    "536368,C,3,2010-12-04 11:00:00,1.00,,United Kingdom",         // line 6  missing id
    "536369,C,3,2010-12-04 11:00:00,1.00,13000,United Kingdom",    // line 7  purchase (another customer)
    "536370,C,3,2010-13-04 11:00:00,1.00,12000,Spain",             // line 8  bad date
    "536371,C,3.5,2010-12-04 11:00:00,1.00,12000,Spain",           // line 9  bad quantity
    "536372,C,3,2010-12-04 11:00:00,1.0.0,12000,Spain",            // line 10 bad price
    "536373,C,-2,2010-12-04 11:00:00,1.00,12000,Spain",            // line 11 negative quantity, netted
    "536374,C,0,2010-12-04 11:00:00,1.00,12000,Spain",             // line 12 zero quantity
    "536375,C,5,2010-12-04 11:00:00,0.00,12000,Spain",             // line 13 zero price
    "536376,C,5,2010-12-04 11:00:00,-1.00,12000,Spain",            // line 14 negative price
    "536377,D,4,12/10/2010 16:05,0.001,12000,Spain",               // line 15 purchase (M/D/YYYY)
};

CustomerSummary& at(TransactionAggregator& a, std::uint64_t id) { return a.customers().at(id); }

void feed(TransactionAggregator& a, std::size_t begin, std::size_t end, std::optional<std::int64_t> as_of = {}) {
  for (std::size_t i = begin; i < end; ++i) {
    CsvParser p(kRows[i], 2 + i, "t");
    CsvRecord r;
    ASSERT_TRUE(p.next(r));
    a.add(r);
  }
}

ColumnIndex columns() {
  ColumnIndex c;
  c.invoice = 0;
  c.product = 1;
  c.quantity = 2;
  c.date = 3;
  c.price = 4;
  c.customer = 5;
  c.country = 6;
  return c;
}

constexpr std::size_t kN = sizeof kRows / sizeof kRows[0];

}  // namespace

TEST(IngestAggregate, EveryRowGetsOneDisposition) {
  TransactionAggregator a(columns(), "C", std::nullopt);
  feed(a, 0, kN);
  const RowCounts& c = a.counts();
  auto n = [&](Disposition d) { return c.count[static_cast<std::size_t>(d)]; };
  EXPECT_EQ(c.rows, kN);
  EXPECT_EQ(n(Disposition::purchase), 5U);
  for (auto d : {Disposition::missing_customer_id, Disposition::bad_date,
                 Disposition::bad_quantity, Disposition::bad_price, Disposition::cancelled_invoice,
                 Disposition::negative_quantity, Disposition::zero_quantity, Disposition::zero_price,
                 Disposition::negative_price})
    EXPECT_EQ(n(d), 1U) << disposition_name(d);
  EXPECT_EQ(c.first_lines[static_cast<std::size_t>(Disposition::bad_date)], std::vector<std::uint64_t>{8});
  EXPECT_EQ(c.first_lines[static_cast<std::size_t>(Disposition::purchase)], (std::vector<std::uint64_t>{2, 3, 4, 7, 15}));

  // 17850: purchases 6 x 2.55 + 2 x 3.39 + 1 x 2.55 = 24.63 on invoices 536365/536366;
  // the cancellation of 1 x 2.55 is netted; the latest row (the cancellation) gives France.
  const CustomerSummary& s = at(a, 17850);
  EXPECT_EQ(s.gross, 246300);
  EXPECT_EQ(s.returned, 25500);
  EXPECT_EQ(s.country, "France");
  const std::int64_t as_of = days_from_civil(2010, 12, 11);
  CustomerSummary copy = s;
  copy.normalise();
  const CustomerFeatures f = features_of(copy, as_of, days_from_civil(2010, 12, 2));
  EXPECT_EQ(f.frequency, 2);
  EXPECT_EQ(f.distinct_products, 2);
  EXPECT_EQ(f.recency_days, 8.0);  // last purchase 2010-12-03
  EXPECT_EQ(f.tenure_days, 10.0);  // first purchase 2010-12-01
  EXPECT_DOUBLE_EQ(f.monetary, 22.08);
  EXPECT_DOUBLE_EQ(f.revenue, 24.63);
  EXPECT_DOUBLE_EQ(f.avg_basket, 24.63 / 2);
  EXPECT_DOUBLE_EQ(f.return_rate, 2.55 / 24.63);
  EXPECT_EQ(f.churned, 0);  // bought on 2010-12-03, after the 12-02 cut-off

  // 12000: one purchase of 4 x 0.001 (exact in 10^-4 units) and a netted return of 2 x 1.00.
  CustomerSummary other = at(a, 12000);
  other.normalise();
  const CustomerFeatures g = features_of(other, as_of, days_from_civil(2010, 12, 10));
  EXPECT_EQ(other.gross, 40);
  EXPECT_DOUBLE_EQ(g.monetary, 0.004 - 2.0);
  EXPECT_EQ(g.churned, 1);  // last purchase on the cut-off day itself
  EXPECT_EQ(g.recency_days, 1.0);
}

TEST(IngestAggregate, RowsOnOrAfterAsOfOnlyFeedTheChurnLabel) {
  TransactionAggregator a(columns(), "C", days_from_civil(2010, 12, 3));
  feed(a, 0, 4);
  EXPECT_EQ(a.counts().count[static_cast<std::size_t>(Disposition::after_as_of)], 2U);
  CustomerSummary s = at(a, 17850);
  s.normalise();
  EXPECT_EQ(s.gross, 246300 - 25500);  // only the 12-01 invoice
  EXPECT_EQ(s.returned, 0);
  EXPECT_EQ(s.country, "United Kingdom");  // the France row is after as-of: history wins
  // A customer seen only after as-of still gets the country of its newest row.
  TransactionAggregator late(columns(), "C", days_from_civil(2010, 12, 1));
  feed(late, 0, 4);
  EXPECT_EQ(at(late, 17850).country, "France");
  EXPECT_EQ(features_of(s, days_from_civil(2010, 12, 3), days_from_civil(2010, 12, 2)).churned, 0);
}

TEST(IngestAggregate, MergingSplitsInAnyOrderGivesTheSameSummary) {
  TransactionAggregator whole(columns(), "C", std::nullopt);
  feed(whole, 0, kN);
  for (std::size_t cut = 0; cut <= kN; ++cut) {
    TransactionAggregator left(columns(), "C", std::nullopt), right(columns(), "C", std::nullopt);
    feed(left, 0, cut);
    feed(right, cut, kN);
    for (const std::uint64_t id : {17850ULL, 12000ULL}) {
      CustomerSummary expected = at(whole, id);
      expected.normalise();
      // Right merged into left, and left into right, through the byte serialisation.
      for (int order = 0; order < 2; ++order) {
        auto& first = order == 0 ? left : right;
        auto& second = order == 0 ? right : left;
        CustomerSummary merged;
        merged.id = id;
        for (auto* part : {&first, &second}) {
          if (!part->customers().count(id)) continue;
          std::vector<char> bytes;
          serialize(part->customers().at(id), bytes);
          auto back = deserialize(bytes.data(), bytes.size());
          ASSERT_EQ(back.size(), 1U);
          merged.merge(std::move(back[0]));
        }
        merged.normalise();
        EXPECT_EQ(merged.gross, expected.gross);
        EXPECT_EQ(merged.returned, expected.returned);
        EXPECT_EQ(merged.first_day, expected.first_day);
        EXPECT_EQ(merged.last_day, expected.last_day);
        EXPECT_EQ(merged.country, expected.country) << "cut " << cut;
        EXPECT_EQ(merged.invoices, expected.invoices);
        EXPECT_EQ(merged.products, expected.products);
      }
    }
  }
}

TEST(IngestAggregate, ReportAccountsForEveryRow) {
  TransactionAggregator a(columns(), "C", std::nullopt);
  feed(a, 0, kN);
  QualityReport r;
  r.rows = a.counts().rows;
  r.count = a.counts().count;
  EXPECT_EQ(r.accounted(), r.rows);
  EXPECT_EQ(r.set_aside(), kN - 5);
  const auto j = to_json(r);
  EXPECT_EQ(j["set_aside"]["cancelled_invoice"]["netted_into_monetary"], true);
  EXPECT_EQ(j["set_aside"]["zero_price"]["count"], 1);
  EXPECT_EQ(money_text(-1105), "-0.1105");
  EXPECT_EQ(money_text(89114079040), "8911407.9040");
}

// Ids, dates and decimals that would otherwise be misread stop the job with the line named.
namespace {
std::string add_error(TransactionAggregator& a, const std::string& row, std::uint64_t line) {
  CsvParser p(row, line, "t");
  CsvRecord r;
  EXPECT_TRUE(p.next(r));
  try {
    a.add(r);
  } catch (const custseg::Error& e) {
    EXPECT_EQ(e.code(), custseg::ExitCode::input);
    return e.what();
  }
  return "";
}
}  // namespace

TEST(IngestAggregate, IdsThatAreNotExactNonNegativeIntegersAreErrors) {
  TransactionAggregator a(columns(), "C", std::nullopt);
  for (const char* id : {"-1", "17850.5", "18446744073709551616", "1e5", "NaN"}) {
    const std::string e = add_error(a, std::string("1,A,1,2010-12-01 08:26:00,1.00,") + id + ",UK", 42);
    EXPECT_NE(e.find("line 42: the customer id is not a non-negative integer"), std::string::npos) << e;
    EXPECT_EQ(e.find(std::string("'") + id + "'"), std::string::npos) << e;  // never the id (docs/privacy.md)
    EXPECT_NE(e.find("other customers' ids"), std::string::npos) << e;
  }
  // A string id is an ordinary id, kept as written (blanks at the ends trimmed).
  EXPECT_EQ(add_error(a, "1,A,1,2010-12-01 08:26:00,1.00, C10001 ,UK", 7), "");
  EXPECT_EQ(add_error(a, "2,A,2,2010-12-02 08:26:00,1.00,C10001,UK", 10), "");
  ASSERT_EQ(a.text_customers().count("C10001"), 1U);
  EXPECT_EQ(a.text_customers().at("C10001").text_id, "C10001");
  EXPECT_EQ(a.text_customers().at("C10001").gross, 30000);  // 1 x 1.00 + 2 x 1.00
  EXPECT_TRUE(a.customers().empty());
  EXPECT_EQ(add_error(a, "1,A,1,2010-12-01 08:26:00,1.00,,UK", 8), "");  // empty: a guest purchase, counted
  EXPECT_EQ(a.counts().count[static_cast<std::size_t>(Disposition::missing_customer_id)], 1U);
  EXPECT_EQ(add_error(a, "1,A,1,2010-12-01 08:26:00,1.00,18446744073709551615,UK", 9), "");  // 2^64 - 1 fits
}

TEST(IngestAggregate, DayFirstDatesReadMonthFirstStopTheJob) {
  // 12/01/2011 reads as December 1st month-first; 13/01/2011 shows the file is day-first.
  TransactionAggregator a(columns(), "C", std::nullopt, ValueFormat{DateFormat("%m/%d/%Y"), '.'});
  EXPECT_EQ(add_error(a, "1,A,1,12/01/2011,1.00,1,UK", 2), "");
  const std::string e = add_error(a, "1,A,1,13/01/2011,1.00,1,UK", 3);
  EXPECT_NE(e.find("line 3: date '13/01/2011' does not fit --date-format %m/%d/%Y but fits %d/%m/%Y"), std::string::npos) << e;
  EXPECT_NE(e.find("pass --date-format '%d/%m/%Y'"), std::string::npos) << e;
  // The automatic format (month-first spreadsheet dates) refuses the same way.
  TransactionAggregator b(columns(), "C", std::nullopt);
  EXPECT_NE(add_error(b, "1,A,1,25/12/2010 10:00,1.00,1,UK", 5).find("fits %d/%m/%Y %H:%M"), std::string::npos);
  // Read right, the same rows are purchases on the right days.
  TransactionAggregator c(columns(), "C", std::nullopt, ValueFormat{DateFormat("%d/%m/%Y"), '.'});
  EXPECT_EQ(add_error(c, "1,A,1,12/01/2011,1.00,1,UK", 2), "");
  EXPECT_EQ(add_error(c, "2,A,1,13/01/2011,1.00,1,UK", 3), "");
  EXPECT_EQ(at(c, 1).first_day, days_from_civil(2011, 1, 12));
  EXPECT_EQ(at(c, 1).last_day, days_from_civil(2011, 1, 13));
  // A date no format reads is still set aside and counted.
  EXPECT_EQ(add_error(c, "3,A,1,not a date,1.00,1,UK", 4), "");
  EXPECT_EQ(c.counts().count[static_cast<std::size_t>(Disposition::bad_date)], 1U);
}

TEST(IngestAggregate, DecimalCommasAndLineAmounts) {
  TransactionAggregator comma(columns(), "C", std::nullopt, ValueFormat{DateFormat(), ','});
  CsvParser p("1;A;2;2011-06-01 10:00:00;1.012,75;31001;DE\n", 2, "t", *parse_dialect(";"));
  CsvRecord r;
  ASSERT_TRUE(p.next(r));
  comma.add(r);
  EXPECT_EQ(at(comma, 31001).gross, 2 * 10127500);  // 2 x 1012.75 in 10^-4 units
  // Without --decimal ',' the price is not set aside: the option that reads it is named.
  TransactionAggregator dot(columns(), "C", std::nullopt);
  const std::string e = add_error(dot, "1,A,2,2011-06-01 10:00:00,\"12,75\",31001,DE", 6);
  EXPECT_NE(e.find("line 6: unit price '12,75' is written with ',' as the decimal mark; pass --decimal ','"),
            std::string::npos) << e;
  // --amount-column: the field is the line's total (CDNOW's dollar_value), not multiplied.
  ColumnIndex amount = columns();
  amount.amount = true;
  TransactionAggregator cd(amount, "", std::nullopt);
  EXPECT_EQ(add_error(cd, "1,A,5,1997-01-12,77.00,2,US", 3), "");
  EXPECT_EQ(at(cd, 2).gross, 770000);
}

TEST(IngestAggregate, ColumnOptionsMatchTheHeaderAsWrittenOrIgnoringCase) {
  TransactionColumns c;
  c.customer_id = "customerid";  // CustomerID in the header
  c.invoice = "InvoiceNo";
  c.date = "InvoiceDate";
  c.quantity = "Quantity";
  c.amount = "LineTotal";
  const std::vector<std::string> header{"InvoiceNo", "InvoiceDate", "Quantity", "LineTotal", "CustomerID"};
  const ColumnIndex idx = resolve_columns(c, header, "t");
  EXPECT_EQ(idx.customer, 4U);
  EXPECT_EQ(idx.price, 3U);
  EXPECT_TRUE(idx.amount);
  c.price = "LineTotal";  // both a unit price and a line total: refused
  EXPECT_THROW(resolve_columns(c, header, "t"), custseg::Error);
  c.price.clear();
  EXPECT_THROW(resolve_columns(c, {"InvoiceNo", "InvoiceDate", "Quantity", "LineTotal", "CustomerID", "CUSTOMERID"}, "t"),
               custseg::Error);  // two columns differ only in case: ambiguous
}
