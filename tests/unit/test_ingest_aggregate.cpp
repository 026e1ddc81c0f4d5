// Transaction rows -> per-customer summaries -> features, without MPI.
#include <gtest/gtest.h>

#include <cmath>
#include <map>

#include "custseg/ingest/csv.hpp"
#include "custseg/ingest/quality_report.hpp"
#include "custseg/ingest/transactions.hpp"
#include "custseg/ingest/values.hpp"

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
    "536369,C,3,2010-12-04 11:00:00,1.00,abc,United Kingdom",      // line 7  bad id
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
  EXPECT_EQ(n(Disposition::purchase), 4U);
  for (auto d : {Disposition::missing_customer_id, Disposition::bad_customer_id, Disposition::bad_date,
                 Disposition::bad_quantity, Disposition::bad_price, Disposition::cancelled_invoice,
                 Disposition::negative_quantity, Disposition::zero_quantity, Disposition::zero_price,
                 Disposition::negative_price})
    EXPECT_EQ(n(d), 1U) << disposition_name(d);
  EXPECT_EQ(c.first_lines[static_cast<std::size_t>(Disposition::bad_date)], std::vector<std::uint64_t>{8});
  EXPECT_EQ(c.first_lines[static_cast<std::size_t>(Disposition::purchase)], (std::vector<std::uint64_t>{2, 3, 4, 15}));

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
  EXPECT_EQ(r.set_aside(), kN - 4);
  const auto j = to_json(r);
  EXPECT_EQ(j["set_aside"]["cancelled_invoice"]["netted_into_monetary"], true);
  EXPECT_EQ(j["set_aside"]["zero_price"]["count"], 1);
  EXPECT_EQ(money_text(-1105), "-0.1105");
  EXPECT_EQ(money_text(89114079040), "8911407.9040");
}
