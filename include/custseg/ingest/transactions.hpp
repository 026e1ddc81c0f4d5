#pragma once
// Transaction rows -> per-customer summaries (the local step of ingest; pure, no MPI).
//
// Every data row gets exactly one disposition, so the quality report accounts for every row:
// a purchase, a row after --as-of (kept only for the churn label), or one set-aside reason.
// Two reasons are set aside from the purchase features but netted into monetary (returns and
// cancellations reduce what a customer is worth); the rest are not used at all.
//
// Money is exact: prices are parsed to integer units of 10^-4 (the Online Retail prices have at
// most 3 decimals, e.g. 0.001 - so cents would round), and quantity x price is an integer product.
// Sums of integers do not depend on the order of rows, ranks or merges.
#include <array>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <unordered_map>
#include <vector>

#include "custseg/ingest/csv.hpp"
#include "custseg/ingest/row_digest.hpp"
#include "custseg/ingest/values.hpp"

namespace custseg::ingest {

inline constexpr int kMoneyScale = 4;  // decimal places kept exactly
inline constexpr double kMoneyPerUnit = 1e4;  // divide (exactly rounded), never multiply by 1e-4

struct TransactionColumns {
  std::string customer_id, invoice, date, quantity, price, country, product;
  // The line's total value, for logs that carry it instead of a unit price (CDNOW's
  // dollar_value); exactly one of price and amount is used.
  std::string amount;
  std::string cancel_prefix = "C";  // invoices starting with it are cancellations ("" = none)
};

struct ColumnIndex {
  std::size_t customer = 0, invoice = 0, date = 0, quantity = 0, price = 0;
  bool amount = false;  // `price` is the line total (--amount-column), not a unit price
  std::optional<std::size_t> country, product;
};

// How the values of a row are written: the date format and the decimal mark ('.' or ',').
struct ValueFormat {
  DateFormat date;
  char decimal = '.';
};

// Finds the configured columns in the header; usage errors name the missing option or column.
ColumnIndex resolve_columns(const TransactionColumns& columns, const std::vector<std::string>& header,
                            const std::string& source);

enum class Disposition : std::uint8_t {
  purchase,
  after_as_of,
  // set-aside reasons, in the order they are tested (a row gets the first that applies):
  missing_customer_id,  // an empty id: a guest purchase (any other non-integer id is an input error)
  bad_date,
  bad_quantity,
  bad_price,
  cancelled_invoice,  // netted into monetary
  negative_quantity,  // a return outside a cancellation invoice; netted into monetary
  zero_quantity,
  zero_price,
  negative_price,
};
inline constexpr std::size_t kDispositions = 11;
inline constexpr std::size_t kFirstSetAside = 2;
inline constexpr std::size_t kFirstLinesKept = 5;

const char* disposition_name(Disposition d);
const char* disposition_meaning(Disposition d);
bool netted_into_monetary(Disposition d);

// One row of a customer as it went into the sums: its digest, what it added to gross and to
// returned (10^-4 units), and its disposition. Equal rows give equal prints.
struct RowPrint {
  RowDigest digest;
  std::int64_t gross = 0, returned = 0;
  std::int64_t day = 0, day_value = 0;  // what it added to purchase_days (0 when not collected)
  std::uint8_t disposition = 0;
  auto operator<=>(const RowPrint&) const = default;
};

// A customer's purchases on one day (10^-4 units): the CLV models' transaction, since purchases
// on the same day are one transaction (Fader, Hardie & Lee 2005).
struct DayValue {
  std::int64_t day = 0, value = 0;
  auto operator<=>(const DayValue&) const = default;
};

// Mergeable per-customer summary. Every field merges by sum, min, max, a (time, line) maximum
// or a set union, so merging in any order gives the same result.
struct CustomerSummary {
  std::uint64_t id = 0;
  std::string text_id;  // the id as written (blanks trimmed) when the log's ids are strings; id is then 0
  std::int64_t gross = 0;     // purchases before as-of, 10^-4 units
  std::int64_t returned = 0;  // returns and cancellations before as-of, as a positive amount
  std::int64_t first_day = std::numeric_limits<std::int64_t>::max();  // first purchase day before as-of
  std::int64_t last_day = std::numeric_limits<std::int64_t>::min();   // last purchase day before as-of
  std::int64_t last_day_any = std::numeric_limits<std::int64_t>::min();  // last purchase day, any date
  // The country comes from the newest usable row before as-of (rows after it only when there is
  // none): the maximum of (in window, time, line), a key no two rows share.
  std::int32_t latest_in_window = -1;
  std::int64_t latest_time = std::numeric_limits<std::int64_t>::min();
  std::uint64_t latest_line = 0;
  std::string country;
  [[nodiscard]] bool newer_than(std::int32_t in_window, std::int64_t time, std::uint64_t line) const {
    return std::tie(latest_in_window, latest_time, latest_line) > std::tie(in_window, time, line);
  }
  std::vector<std::string> invoices;  // purchase invoices before as-of (distinct after normalise)
  std::vector<std::string> products;  // products bought before as-of (distinct after normalise)
  // Purchase rows (and free ones: zero_price) by day, whatever --as-of says (only when the aggregator collects them, for
  // --calibration-end); one entry per day after normalise.
  std::vector<DayValue> purchase_days;
  // Every row of the customer, until count_duplicates (once all its rows are merged on one rank).
  std::vector<RowPrint> rows;
  // Exact duplicate rows: copies beyond the first of a row, by the disposition they had.
  std::array<std::uint64_t, kDispositions> duplicates{};

  void merge(CustomerSummary&& other);
  void normalise();  // sorts and removes duplicates in invoices and products; one purchase_days entry per day
  // Counts the exact duplicate rows into `duplicates`; drop = true also takes the copies' amounts
  // out of gross and returned (--dedupe). The other fields are the same with or without the
  // copies (first/last days, distinct invoices and products, the latest country). Frees rows.
  void count_duplicates(bool drop);
};

// Row counts by disposition, the first line numbers of each, and the date range seen.
struct RowCounts {
  std::uint64_t rows = 0;
  std::uint64_t blank_lines = 0;
  std::array<std::uint64_t, kDispositions> count{};
  std::array<std::vector<std::uint64_t>, kDispositions> first_lines;
  std::int64_t min_time = std::numeric_limits<std::int64_t>::max();  // over all parsable dates
  std::int64_t max_time = std::numeric_limits<std::int64_t>::min();
  bool text_ids = false;  // a row with a string id reached a customer
};

// The hash that places a customer: on rank hash % ranks in the shuffle, in pass
// pass_of(hash, passes) of a multi-pass ingest. The same on every rank and platform.
std::uint64_t customer_hash(std::uint64_t id);
std::uint64_t customer_hash(std::string_view text_id);
std::uint64_t pass_of(std::uint64_t customer_hash, std::uint64_t passes);

class TransactionAggregator {
 public:
  // as_of_day: rows dated on or after this day are not used for features (nullopt: all are).
  TransactionAggregator(ColumnIndex columns, std::string cancel_prefix, std::optional<std::int64_t> as_of_day,
                        ValueFormat format = {});
  // Classifies one record and folds it into its customer's summary. Records must arrive in
  // increasing line order within a part (first_lines keeps the first ones seen).
  // Input errors (naming the line) instead of a set-aside count, because counting would hide
  // a wrong reading of the whole file: a customer id that is a number but not a non-negative
  // integer (an empty one is a guest purchase and is counted; a string id is an ordinary id,
  // kept in text_customers), a date that contradicts the
  // date format but fits it with day and month swapped, and a price or quantity that only the
  // other decimal mark reads.
  void add(const CsvRecord& record);
  // Also keep each customer's purchases by day (purchase_days), for the CLV model columns.
  void collect_purchase_days() { collect_days_ = true; }
  // Bounded memory: keep only the customers of pass `pass` of `passes` (pass_of their hash).
  // Pass 0 still classifies and counts every row, and raises every input error, exactly as one
  // pass would; later passes skip other customers' rows after reading the id, and their counts
  // are not meaningful.
  void select_pass(std::uint64_t pass, std::uint64_t passes);
  [[nodiscard]] std::unordered_map<std::uint64_t, CustomerSummary>& customers() { return customers_; }
  // Customers whose id is a string (looks_textual): "C10001", UUIDs, hashed e-mails.
  [[nodiscard]] std::unordered_map<std::string, CustomerSummary>& text_customers() { return text_customers_; }
  [[nodiscard]] RowCounts& counts() { return counts_; }

 private:
  void count(Disposition d, std::uint64_t line);
  [[nodiscard]] bool in_pass(std::uint64_t customer_hash) const;
  [[nodiscard]] bool skipped_in_later_pass(const CsvRecord& r) const;
  [[nodiscard]] std::optional<std::int64_t> date_of(const CsvRecord& r) const;
  [[nodiscard]] std::uint64_t id_of(const CsvRecord& r) const;
  [[nodiscard]] std::optional<std::int64_t> number_of(const CsvRecord& r, std::size_t column, int scale,
                                                      const char* what) const;
  ColumnIndex columns_;
  ValueFormat format_;
  std::string cancel_prefix_;
  std::optional<std::int64_t> as_of_day_;
  std::unordered_map<std::uint64_t, CustomerSummary> customers_;
  std::unordered_map<std::string, CustomerSummary> text_customers_;
  RowCounts counts_;
  RowDigester digest_;
  bool collect_days_ = false;
  std::uint64_t pass_ = 0, passes_ = 1;
};

// Summaries as bytes, for the shuffle (a self-delimiting sequence of records).
void serialize(const CustomerSummary& s, std::vector<char>& out);
std::vector<CustomerSummary> deserialize(const char* data, std::size_t size);

// The CLV models' sufficient statistics of one customer (Fader, Hardie & Lee 2005; lifetimes'
// conventions), from purchase_days: in the calibration period (days up to calibration_end,
// inclusive), frequency = purchase days - 1, recency = last - first purchase day, T =
// calibration_end - first purchase day (both divided by unit_days: 1 or 7), monetary_value = mean
// value of the repeat days (0 without any); after it, holdout_frequency = purchase days and
// holdout_value = their value. All NaN for a customer whose first purchase is after
// calibration_end (not in the calibration cohort).
struct CalibrationStatistics {
  double frequency = 0, recency = 0, T = 0, monetary_value = 0, holdout_frequency = 0, holdout_value = 0;
};

// Final per-customer values (the customer table's row).
struct CustomerFeatures {
  std::uint64_t id = 0;
  std::string text_id;  // string ids only
  double recency_days = 0, monetary = 0, tenure_days = 0, avg_basket = 0, return_rate = 0, revenue = 0;
  std::int32_t frequency = 0, distinct_products = 0, churned = 0;
  std::string country;
  CalibrationStatistics calibration;  // with --calibration-end
};

CalibrationStatistics calibration_statistics(const std::vector<DayValue>& purchase_days, std::int64_t calibration_end,
                                             int unit_days);

// recency/tenure in whole days to as_of_day; NaN where a customer bought nothing before as-of.
// churn_day: churned = 1 when no purchase falls on a later day.
CustomerFeatures features_of(const CustomerSummary& s, std::int64_t as_of_day, std::optional<std::int64_t> churn_day);

}  // namespace custseg::ingest
