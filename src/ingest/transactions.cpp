#include "custseg/ingest/transactions.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <stdexcept>

#include "custseg/ingest/table_columns.hpp"
#include "custseg/ingest/values.hpp"
#include "custseg/util/error.hpp"
#include "custseg/util/rng.hpp"

namespace custseg::ingest {

namespace {
std::size_t find_column(const std::vector<std::string>& header, const std::string& name, const char* option,
                        const std::string& source) {
  if (name.empty()) throw_usage(std::string("--") + option + " is required with --transactions (see configs/ingest-online-retail.ini)");
  // The header name as written; ignoring case when only one column fits (as ingest --table does).
  const auto found = find_name(header, name);
  if (!found) {
    std::string names;
    for (const auto& h : header) names += (names.empty() ? "" : ", ") + h;
    throw_usage(std::string("--") + option + " '" + name + "' is not a column of " + source + " (columns: " + names + ")");
  }
  return *found;
}
}  // namespace

ColumnIndex resolve_columns(const TransactionColumns& c, const std::vector<std::string>& header, const std::string& source) {
  ColumnIndex idx;
  idx.customer = find_column(header, c.customer_id, "id-column", source);
  idx.invoice = find_column(header, c.invoice, "invoice-column", source);
  idx.date = find_column(header, c.date, "date-column", source);
  idx.quantity = find_column(header, c.quantity, "quantity-column", source);
  if (!c.amount.empty() && !c.price.empty())
    throw_usage("give one of --price-column (unit price) and --amount-column (line total), not both");
  idx.amount = !c.amount.empty();
  idx.price = idx.amount ? find_column(header, c.amount, "amount-column", source)
                         : find_column(header, c.price, "price-column", source);
  if (!c.country.empty()) idx.country = find_column(header, c.country, "country-column", source);
  if (!c.product.empty()) idx.product = find_column(header, c.product, "product-column", source);
  return idx;
}

const char* disposition_name(Disposition d) {
  switch (d) {
    case Disposition::purchase: return "purchase";
    case Disposition::after_as_of: return "after_as_of";
    case Disposition::missing_customer_id: return "missing_customer_id";
    case Disposition::bad_date: return "unparsable_date";
    case Disposition::bad_quantity: return "unparsable_quantity";
    case Disposition::bad_price: return "unparsable_price";
    case Disposition::cancelled_invoice: return "cancelled_invoice";
    case Disposition::negative_quantity: return "negative_quantity";
    case Disposition::zero_quantity: return "zero_quantity";
    case Disposition::zero_price: return "zero_price";
    case Disposition::negative_price: return "negative_price";
  }
  return "?";
}

const char* disposition_meaning(Disposition d) {
  switch (d) {
    case Disposition::purchase: return "used: a purchase";
    case Disposition::after_as_of: return "dated on or after --as-of: used only for the churn label";
    case Disposition::missing_customer_id: return "no customer id: cannot be attributed to a customer";
    case Disposition::bad_date: return "date is neither YYYY-MM-DD[ HH:MM[:SS]] nor M/D/YYYY[ H:MM[:SS]]";
    case Disposition::bad_quantity: return "quantity is not a whole number";
    case Disposition::bad_price: return "unit price is not a decimal with at most 4 places";
    case Disposition::cancelled_invoice: return "cancelled invoice: not a purchase, netted into monetary";
    case Disposition::negative_quantity: return "negative quantity (a return): not a purchase, netted into monetary";
    case Disposition::zero_quantity: return "quantity is zero";
    case Disposition::zero_price: return "unit price is zero (free items, samples)";
    case Disposition::negative_price: return "unit price is negative (adjustments)";
  }
  return "?";
}

bool netted_into_monetary(Disposition d) {
  return d == Disposition::cancelled_invoice || d == Disposition::negative_quantity;
}

void CustomerSummary::merge(CustomerSummary&& o) {
  gross += o.gross;
  returned += o.returned;
  first_day = std::min(first_day, o.first_day);
  last_day = std::max(last_day, o.last_day);
  last_day_any = std::max(last_day_any, o.last_day_any);
  if (o.newer_than(latest_in_window, latest_time, latest_line)) {
    latest_in_window = o.latest_in_window;
    latest_time = o.latest_time;
    latest_line = o.latest_line;
    country = std::move(o.country);
  }
  invoices.insert(invoices.end(), std::make_move_iterator(o.invoices.begin()), std::make_move_iterator(o.invoices.end()));
  products.insert(products.end(), std::make_move_iterator(o.products.begin()), std::make_move_iterator(o.products.end()));
  rows.insert(rows.end(), o.rows.begin(), o.rows.end());
  purchase_days.insert(purchase_days.end(), o.purchase_days.begin(), o.purchase_days.end());
}

namespace {

// The entry of `day` in sorted, one-per-day purchase_days (nullptr when absent).
DayValue* entry_of(std::vector<DayValue>& days, std::int64_t day) {
  const auto it = std::lower_bound(days.begin(), days.end(), DayValue{day, std::numeric_limits<std::int64_t>::min()});
  return it != days.end() && it->day == day ? &*it : nullptr;
}

}  // namespace

void CustomerSummary::count_duplicates(bool drop) {
  std::sort(rows.begin(), rows.end());
  for (std::size_t i = 1; i < rows.size(); ++i) {
    if (rows[i].digest != rows[i - 1].digest) continue;
    ++duplicates[rows[i].disposition];
    if (!drop) continue;
    gross -= rows[i].gross;
    returned -= rows[i].returned;
    if (DayValue* d = rows[i].day_value ? entry_of(purchase_days, rows[i].day) : nullptr) d->value -= rows[i].day_value;
  }
  rows = {};
}

void CustomerSummary::normalise() {
  for (auto* v : {&invoices, &products}) {
    std::sort(v->begin(), v->end());
    v->erase(std::unique(v->begin(), v->end()), v->end());
  }
  // One entry per day: integer sums, so the order rows and ranks arrive in does not matter.
  std::sort(purchase_days.begin(), purchase_days.end());
  std::vector<DayValue> days;
  for (const DayValue& d : purchase_days) {
    if (!days.empty() && days.back().day == d.day) days.back().value += d.value;
    else days.push_back(d);
  }
  purchase_days = std::move(days);
}

TransactionAggregator::TransactionAggregator(ColumnIndex columns, std::string cancel_prefix,
                                             std::optional<std::int64_t> as_of_day, ValueFormat format)
    : columns_(columns), format_(std::move(format)), cancel_prefix_(std::move(cancel_prefix)), as_of_day_(as_of_day) {}

std::optional<std::int64_t> TransactionAggregator::date_of(const CsvRecord& r) const {
  const std::string_view text = r.field(columns_.date);
  const std::optional<std::int64_t> time = format_.date.parse(text);
  if (time) return time;
  if (const auto other = format_.date.contradicting_format(text))
    throw_input("line " + std::to_string(r.line()) + ": date '" + std::string(trim(text)) + "' does not fit --date-format " +
                format_.date.text() + (format_.date.text() == "auto" ? " (YYYY-MM-DD or month-first M/D/YYYY)" : "") +
                " but fits " + *other + " (day and month swapped): the file is probably written " +
                (other->find("%d") < other->find("%m") ? "day-first" : "month-first") +
                "; every earlier date with a day <= 12 would be misread, so nothing is set aside: pass --date-format '" +
                *other + "'");
  return std::nullopt;
}

std::uint64_t TransactionAggregator::id_of(const CsvRecord& r) const {
  const std::string_view text = trim(r.field(columns_.customer));
  if (const auto id = parse_id(text)) return *id;
  // Only numbers reach here (string ids are kept as text): a number that is not an exact
  // non-negative integer would become another customer's id under any conversion.
  // The line, never the id (docs/privacy.md).
  throw_input("line " + std::to_string(r.line()) + ": the customer id is not a non-negative integer (an id must be exact: negative, fractional and >= 2^64 values would "
              "become other customers' ids)");
}

std::optional<std::int64_t> TransactionAggregator::number_of(const CsvRecord& r, std::size_t column, int scale,
                                                             const char* what) const {
  const std::string_view text = r.field(column);
  if (const auto v = parse_fixed(text, scale, format_.decimal)) return v;
  const char other = format_.decimal == '.' ? ',' : '.';
  if (parse_fixed(text, scale, other))
    throw_input("line " + std::to_string(r.line()) + ": " + what + " '" + std::string(trim(text)) + "' is written with '" +
                std::string(1, other) + "' as the decimal mark; pass --decimal '" + std::string(1, other) + "'");
  return std::nullopt;
}

void TransactionAggregator::count(Disposition d, std::uint64_t line) {
  const auto i = static_cast<std::size_t>(d);
  ++counts_.count[i];
  if (counts_.first_lines[i].size() < kFirstLinesKept) counts_.first_lines[i].push_back(line);
}

void TransactionAggregator::select_pass(std::uint64_t pass, std::uint64_t passes) {
  if (passes == 0 || pass >= passes) throw std::logic_error("select_pass: pass out of range");
  pass_ = pass;
  passes_ = passes;
}

bool TransactionAggregator::in_pass(std::uint64_t hash) const { return pass_of(hash, passes_) == pass_; }

bool TransactionAggregator::skipped_in_later_pass(const CsvRecord& r) const {
  if (pass_ == 0) return false;  // the first pass sees (and counts) every row
  const std::string_view id_text = trim(r.field(columns_.customer));
  if (id_text.empty()) return true;
  if (looks_textual(id_text)) return !in_pass(customer_hash(id_text));
  // The first pass has refused every id that is not an integer.
  const std::optional<std::uint64_t> id = parse_id(id_text);
  return !id || !in_pass(customer_hash(*id));
}

void TransactionAggregator::add(const CsvRecord& r) {
  if (skipped_in_later_pass(r)) return;
  ++counts_.rows;
  // The date range covers every row with a readable date, attributed to a customer or not.
  const std::optional<std::int64_t> time = date_of(r);
  if (time) {
    counts_.min_time = std::min(counts_.min_time, *time);
    counts_.max_time = std::max(counts_.max_time, *time);
  }
  const std::string_view id_text = trim(r.field(columns_.customer));
  if (id_text.empty()) return count(Disposition::missing_customer_id, r.line());
  const bool text_id = looks_textual(id_text);
  const std::uint64_t id = text_id ? 0 : id_of(r);
  if (!time) return count(Disposition::bad_date, r.line());
  const std::optional<std::int64_t> quantity = number_of(r, columns_.quantity, 0, "quantity");
  if (!quantity) return count(Disposition::bad_quantity, r.line());
  const std::optional<std::int64_t> price = number_of(r, columns_.price, kMoneyScale, columns_.amount ? "amount" : "unit price");
  if (!price) return count(Disposition::bad_price, r.line());
  // With --amount-column the price field is already the line's value; its sign and zero
  // classify the row as a unit price's would.
  const Int128 product = columns_.amount ? static_cast<Int128>(*price) : static_cast<Int128>(*quantity) * *price;
  if (product > std::numeric_limits<std::int64_t>::max() / 1024 || product < std::numeric_limits<std::int64_t>::min() / 1024)
    return count(Disposition::bad_quantity, r.line());  // absurd amounts would overflow the sums
  const auto value = static_cast<std::int64_t>(product);

  const std::string_view invoice = trim(r.field(columns_.invoice));
  Disposition d = Disposition::purchase;
  if (!cancel_prefix_.empty() && invoice.substr(0, cancel_prefix_.size()) == cancel_prefix_)
    d = Disposition::cancelled_invoice;
  else if (*quantity < 0)
    d = Disposition::negative_quantity;
  else if (*quantity == 0)
    d = Disposition::zero_quantity;
  else if (*price == 0)
    d = Disposition::zero_price;
  else if (*price < 0)
    d = Disposition::negative_price;

  const std::int64_t day = day_of(*time);
  const bool in_window = !as_of_day_ || day < *as_of_day_;
  const bool purchase = d == Disposition::purchase;  // before --as-of decides what it feeds
  if (!in_window && (purchase || netted_into_monetary(d))) d = Disposition::after_as_of;
  count(d, r.line());
  counts_.text_ids = counts_.text_ids || text_id;
  if (!in_pass(text_id ? customer_hash(id_text) : customer_hash(id))) return;
  CustomerSummary& s = text_id ? text_customers_[std::string(id_text)] : customers_[id];
  s.id = id;
  if (text_id && s.text_id.empty()) s.text_id = id_text;
  const std::int32_t window_key = in_window ? 1 : 0;
  if (!s.newer_than(window_key, *time, r.line())) {
    s.latest_in_window = window_key;
    s.latest_time = *time;
    s.latest_line = r.line();
    if (columns_.country) s.country = std::string(trim(r.field(*columns_.country)));
  }
  if (purchase) s.last_day_any = std::max(s.last_day_any, day);
  RowPrint& print = s.rows.emplace_back(RowPrint{digest_(r), 0, 0, day, 0, static_cast<std::uint8_t>(d)});
  // The models' transactions are every purchase row, on either side of --as-of, and free ones
  // too (a price of 0, e.g. a promotion): BG/NBD counts purchases, whatever they cost.
  if (collect_days_ && (purchase || d == Disposition::zero_price)) {
    s.purchase_days.push_back({day, value});
    print.day_value = value;
  }
  if (netted_into_monetary(d)) {
    s.returned -= value;
    print.returned = -value;
  } else if (d == Disposition::purchase) {
    s.gross += value;
    print.gross = value;
    s.first_day = std::min(s.first_day, day);
    s.last_day = std::max(s.last_day, day);
    s.invoices.emplace_back(invoice);
    if (columns_.product) s.products.emplace_back(trim(r.field(*columns_.product)));
  }
}

std::uint64_t customer_hash(std::uint64_t id) { return rng::mix64(id); }

std::uint64_t customer_hash(std::string_view text) {
  // FNV-1a, then mix64: a hash of the bytes that is the same on every rank and platform.
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (const char c : text) h = (h ^ static_cast<unsigned char>(c)) * 0x100000001b3ULL;
  return rng::mix64(h);
}

std::uint64_t pass_of(std::uint64_t customer_hash, std::uint64_t passes) {
  // Mixed again, with a constant of its own: the shuffle sends a customer to rank hash % ranks,
  // and the pass must not follow that (with 2 passes and 2 ranks, each pass would fill one rank).
  constexpr std::uint64_t kPassSalt = 0x9e3779b97f4a7c15ULL;
  return passes == 1 ? 0 : rng::mix64(customer_hash ^ kPassSalt) % passes;
}

namespace {
template <class T>
void put(std::vector<char>& out, const T& v) {
  const auto* p = reinterpret_cast<const char*>(&v);
  out.insert(out.end(), p, p + sizeof v);
}
void put_string(std::vector<char>& out, const std::string& s) {
  put(out, static_cast<std::uint32_t>(s.size()));
  out.insert(out.end(), s.begin(), s.end());
}

class Reader {
 public:
  Reader(const char* data, std::size_t size) : data_(data), size_(size) {}
  [[nodiscard]] bool done() const { return pos_ >= size_; }
  template <class T>
  T get() {
    T v;
    need(sizeof v);
    std::memcpy(&v, data_ + pos_, sizeof v);
    pos_ += sizeof v;
    return v;
  }
  std::string get_string() {
    const auto n = get<std::uint32_t>();
    need(n);
    std::string s(data_ + pos_, n);
    pos_ += n;
    return s;
  }

 private:
  void need(std::size_t n) const {
    if (n > size_ - pos_) throw std::runtime_error("customer summary buffer is truncated");
  }
  const char* data_;
  std::size_t size_;
  std::size_t pos_ = 0;
};
}  // namespace

void serialize(const CustomerSummary& s, std::vector<char>& out) {
  put(out, s.id);
  put(out, s.gross);
  put(out, s.returned);
  put(out, s.first_day);
  put(out, s.last_day);
  put(out, s.last_day_any);
  put(out, s.latest_in_window);
  put(out, s.latest_time);
  put(out, s.latest_line);
  put_string(out, s.country);
  put_string(out, s.text_id);
  for (const auto* v : {&s.invoices, &s.products}) {
    put(out, static_cast<std::uint32_t>(v->size()));
    for (const auto& x : *v) put_string(out, x);
  }
  put(out, static_cast<std::uint64_t>(s.rows.size()));
  for (const auto& row : s.rows) {  // field by field: no padding bytes on the wire
    put(out, row.digest.high);
    put(out, row.digest.low);
    put(out, row.gross);
    put(out, row.returned);
    put(out, row.day);
    put(out, row.day_value);
    put(out, row.disposition);
  }
  put(out, static_cast<std::uint64_t>(s.purchase_days.size()));
  for (const auto& d : s.purchase_days) {
    put(out, d.day);
    put(out, d.value);
  }
}

std::vector<CustomerSummary> deserialize(const char* data, std::size_t size) {
  std::vector<CustomerSummary> out;
  Reader in(data, size);
  while (!in.done()) {
    CustomerSummary s;
    s.id = in.get<std::uint64_t>();
    s.gross = in.get<std::int64_t>();
    s.returned = in.get<std::int64_t>();
    s.first_day = in.get<std::int64_t>();
    s.last_day = in.get<std::int64_t>();
    s.last_day_any = in.get<std::int64_t>();
    s.latest_in_window = in.get<std::int32_t>();
    s.latest_time = in.get<std::int64_t>();
    s.latest_line = in.get<std::uint64_t>();
    s.country = in.get_string();
    s.text_id = in.get_string();
    for (auto* v : {&s.invoices, &s.products}) {
      const auto n = in.get<std::uint32_t>();
      v->reserve(n);
      for (std::uint32_t i = 0; i < n; ++i) v->push_back(in.get_string());
    }
    s.rows.resize(in.get<std::uint64_t>());
    for (auto& row : s.rows) {
      row.digest.high = in.get<std::uint64_t>();
      row.digest.low = in.get<std::uint64_t>();
      row.gross = in.get<std::int64_t>();
      row.returned = in.get<std::int64_t>();
      row.day = in.get<std::int64_t>();
      row.day_value = in.get<std::int64_t>();
      row.disposition = in.get<std::uint8_t>();
    }
    s.purchase_days.resize(in.get<std::uint64_t>());
    for (auto& d : s.purchase_days) {
      d.day = in.get<std::int64_t>();
      d.value = in.get<std::int64_t>();
    }
    out.push_back(std::move(s));
  }
  return out;
}

CalibrationStatistics calibration_statistics(const std::vector<DayValue>& purchase_days, std::int64_t calibration_end,
                                             int unit_days) {
  constexpr double nan = std::numeric_limits<double>::quiet_NaN();
  CalibrationStatistics c;
  const auto split = std::upper_bound(purchase_days.begin(), purchase_days.end(),
                                      DayValue{calibration_end, std::numeric_limits<std::int64_t>::max()});
  const auto calibration_days = static_cast<std::size_t>(split - purchase_days.begin());
  if (calibration_days == 0) return {nan, nan, nan, nan, nan, nan};  // first purchase after the calibration
  const double unit = unit_days;
  const std::int64_t first = purchase_days.front().day;
  c.frequency = static_cast<double>(calibration_days - 1);
  c.recency = static_cast<double>(purchase_days[calibration_days - 1].day - first) / unit;
  c.T = static_cast<double>(calibration_end - first) / unit;
  // Integer sums first, one division each: exact and the same for any rank count.
  std::int64_t repeat_value = 0, holdout_value = 0;
  for (std::size_t i = 1; i < calibration_days; ++i) repeat_value += purchase_days[i].value;
  for (auto it = split; it != purchase_days.end(); ++it) holdout_value += it->value;
  c.monetary_value = calibration_days > 1 ? static_cast<double>(repeat_value) / kMoneyPerUnit / c.frequency : 0.0;
  c.holdout_frequency = static_cast<double>(purchase_days.end() - split);
  c.holdout_value = static_cast<double>(holdout_value) / kMoneyPerUnit;
  return c;
}

CustomerFeatures features_of(const CustomerSummary& s, std::int64_t as_of_day, std::optional<std::int64_t> churn_day) {
  constexpr double nan = std::numeric_limits<double>::quiet_NaN();
  CustomerFeatures f;
  f.id = s.id;
  f.text_id = s.text_id;
  f.frequency = static_cast<std::int32_t>(s.invoices.size());
  f.distinct_products = static_cast<std::int32_t>(s.products.size());
  const bool bought = f.frequency > 0;
  f.recency_days = bought ? static_cast<double>(as_of_day - s.last_day) : nan;
  f.tenure_days = bought ? static_cast<double>(as_of_day - s.first_day) : nan;
  // Divisions of exact integers: the same value on every rank count.
  f.revenue = static_cast<double>(s.gross) / kMoneyPerUnit;
  f.monetary = static_cast<double>(s.gross - s.returned) / kMoneyPerUnit;
  f.avg_basket = bought ? f.revenue / f.frequency : nan;
  f.return_rate = s.gross > 0 ? static_cast<double>(s.returned) / static_cast<double>(s.gross) : nan;
  f.churned = churn_day && s.last_day_any > *churn_day ? 0 : 1;
  f.country = s.country;
  return f;
}

}  // namespace custseg::ingest
