#include "custseg/ingest/quality_report.hpp"

#include <cinttypes>
#include <cstdio>

#include "custseg/ingest/values.hpp"

namespace custseg::ingest {

std::uint64_t QualityReport::set_aside() const {
  std::uint64_t n = 0;
  for (std::size_t d = kFirstSetAside; d < kDispositions; ++d) n += count[d];
  return n;
}

std::uint64_t QualityReport::duplicate_rows() const {
  std::uint64_t n = 0;
  for (auto c : duplicates) n += c;
  return n;
}

std::uint64_t QualityReport::accounted() const {
  std::uint64_t n = duplicates_dropped ? duplicate_rows() : 0;
  for (auto c : count) n += c;
  return n;
}

std::string money_text(std::int64_t units) {
  const bool negative = units < 0;
  const auto magnitude = negative ? -static_cast<Int128>(units) : static_cast<Int128>(units);
  char buf[48];
  std::snprintf(buf, sizeof buf, "%s%" PRIu64 ".%04" PRIu64, negative ? "-" : "",
                static_cast<std::uint64_t>(magnitude / 10000), static_cast<std::uint64_t>(magnitude % 10000));
  return buf;
}

nlohmann::json to_json(const QualityReport& r) {
  nlohmann::json j;
  j["input"] = r.input;
  j["rows_read"] = r.rows;
  j["blank_lines_skipped"] = r.blank_lines;
  j["rows_used_as_purchases"] = r.count[static_cast<std::size_t>(Disposition::purchase)];
  j["rows_after_as_of"] = r.count[static_cast<std::size_t>(Disposition::after_as_of)];
  j["rows_set_aside"] = r.set_aside();
  j["every_row_accounted_for"] = r.accounted() == r.rows;
  nlohmann::json reasons = nlohmann::json::object();
  for (std::size_t d = kFirstSetAside; d < kDispositions; ++d) {
    const auto disp = static_cast<Disposition>(d);
    nlohmann::json e;
    e["count"] = r.count[d];
    e["first_lines"] = r.first_lines[d];
    e["netted_into_monetary"] = netted_into_monetary(disp);
    e["meaning"] = disposition_meaning(disp);
    reasons[disposition_name(disp)] = e;
  }
  j["set_aside"] = reasons;
  nlohmann::json copies = nlohmann::json::object();
  for (std::size_t d = 0; d < kDispositions; ++d)
    if (r.duplicates[d] > 0) copies[disposition_name(static_cast<Disposition>(d))] = r.duplicates[d];
  j["duplicate_rows"] = {
      {"count", r.duplicate_rows()},
      {"dropped", r.duplicates_dropped},
      {"by_disposition", copies},
      {"meaning", std::string("rows equal in every field to another row of the same customer (copies beyond the first; "
                              "rows without a customer, date, quantity or price are not compared); ") +
                      (r.duplicates_dropped ? "dropped by --dedupe: in no count above and in no sum"
                                            : "kept, as in the counts above; --dedupe drops them")}};
  j["line_numbers"] = "physical lines of the input as an editor counts them (header = line 1)";
  j["first_transaction"] = r.first_transaction;
  j["last_transaction"] = r.last_transaction;
  j["as_of"] = r.as_of;
  if (!r.churn_after.empty()) j["churn_after"] = r.churn_after;
  j["customers"] = r.customers;
  j["customers_without_purchases"] = r.customers_without_purchases;
  // Exact decimal strings: the sums are exact integers of 10^-4 units.
  j["purchases_total"] = money_text(r.gross);
  j["returns_total"] = money_text(r.returned);
  j["monetary_total"] = money_text(r.gross - r.returned);
  j["warnings"] = r.warnings;
  return j;
}

std::string console_summary(const QualityReport& r) {
  std::string out;
  char buf[256];
  std::snprintf(buf, sizeof buf, "data quality: %" PRIu64 " rows read, %" PRIu64 " purchases, %" PRIu64
                " after as-of, %" PRIu64 " set aside%s\n", r.rows, r.count[0], r.count[1], r.set_aside(),
                r.accounted() == r.rows ? "" : " (COUNTS DO NOT ADD UP)");
  out += buf;
  for (std::size_t d = kFirstSetAside; d < kDispositions; ++d) {
    if (r.count[d] == 0) continue;
    const auto disp = static_cast<Disposition>(d);
    std::string lines;
    for (auto l : r.first_lines[d]) lines += (lines.empty() ? "" : ", ") + std::to_string(l);
    std::snprintf(buf, sizeof buf, "  %-24s %9" PRIu64 "%s  (first lines: %s)\n", disposition_name(disp), r.count[d],
                  netted_into_monetary(disp) ? " [netted into monetary]" : "", lines.c_str());
    out += buf;
  }
  std::snprintf(buf, sizeof buf, "  dates %s .. %s, as-of %s%s%s\n", r.first_transaction.c_str(),
                r.last_transaction.c_str(), r.as_of.c_str(), r.churn_after.empty() ? "" : ", churn after ",
                r.churn_after.c_str());
  out += buf;
  std::snprintf(buf, sizeof buf, "  %" PRIu64 " customers (%" PRIu64 " without purchases); purchases %s, returns %s, net %s",
                r.customers, r.customers_without_purchases, money_text(r.gross).c_str(), money_text(r.returned).c_str(),
                money_text(r.gross - r.returned).c_str());
  out += buf;
  if (r.duplicate_rows() > 0)
    out += "\n  " + std::to_string(r.duplicate_rows()) + " exact duplicate rows " +
           (r.duplicates_dropped ? "dropped (--dedupe)" : "kept (--dedupe drops them)");
  for (const auto& w : r.warnings) out += "\n  warning: " + w;
  return out;
}

}  // namespace custseg::ingest
