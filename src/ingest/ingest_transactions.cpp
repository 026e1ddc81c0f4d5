#include "custseg/ingest/ingest_transactions.hpp"

#include "custseg/ingest/calibration_columns.hpp"
#include "custseg/ingest/pseudonymize_ids.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <deque>
#include <filesystem>
#include <map>
#include <optional>
#include <set>

#include "custseg/ingest/calibration_columns.hpp"
#include "custseg/ingest/csv_source.hpp"
#include "custseg/ingest/global_labels.hpp"
#include "custseg/ingest/table_writer.hpp"
#include "custseg/ingest/values.hpp"
#include "custseg/io/output_dir.hpp"
#include "custseg/mpi/alltoallv.hpp"
#include "custseg/mpi/collective_guard.hpp"
#include "custseg/report/text_reports.hpp"
#include "custseg/util/available_memory.hpp"
#include "custseg/util/error.hpp"
#include "custseg/util/release_memory.hpp"
#include "custseg/util/rng.hpp"

namespace custseg::ingest {

namespace {

// --- fixed-size part of a finished row, followed by its country string ---
struct PackedFeatures {
  std::uint64_t position;
  std::uint64_t id;
  double recency_days, monetary, tenure_days, avg_basket, return_rate, revenue;
  CalibrationStatistics calibration;
  std::int32_t frequency, distinct_products, churned, country_length, text_id_length;
};

std::size_t packed_size(const CustomerFeatures& f) { return sizeof(PackedFeatures) + f.country.size() + f.text_id.size(); }

void pack(std::uint64_t position, const CustomerFeatures& f, std::vector<char>& out) {
  const PackedFeatures p{position, f.id, f.recency_days, f.monetary, f.tenure_days, f.avg_basket, f.return_rate,
                         f.revenue, f.calibration, f.frequency, f.distinct_products, f.churned,
                         static_cast<std::int32_t>(f.country.size()), static_cast<std::int32_t>(f.text_id.size())};
  const auto* b = reinterpret_cast<const char*>(&p);
  out.insert(out.end(), b, b + sizeof p);
  out.insert(out.end(), f.country.begin(), f.country.end());
  out.insert(out.end(), f.text_id.begin(), f.text_id.end());
}

// The packed rows of `block` into their places (global row position - block.begin).
std::vector<CustomerFeatures> unpack(const std::vector<char>& bytes, const io::RowBlock& block) {
  std::vector<CustomerFeatures> out(block.count);
  std::size_t pos = 0;
  while (pos < bytes.size()) {
    PackedFeatures p{};
    std::memcpy(&p, bytes.data() + pos, sizeof p);
    pos += sizeof p;
    if (p.position < block.begin || p.position >= block.end())
      throw std::logic_error("sort_globally: a row outside this rank's block arrived");
    CustomerFeatures& f = out[p.position - block.begin];
    f.id = p.id;
    f.recency_days = p.recency_days;
    f.monetary = p.monetary;
    f.tenure_days = p.tenure_days;
    f.avg_basket = p.avg_basket;
    f.return_rate = p.return_rate;
    f.revenue = p.revenue;
    f.calibration = p.calibration;
    f.frequency = p.frequency;
    f.distinct_products = p.distinct_products;
    f.churned = p.churned;
    f.country.assign(bytes.data() + pos, static_cast<std::size_t>(p.country_length));
    pos += static_cast<std::size_t>(p.country_length);
    f.text_id.assign(bytes.data() + pos, static_cast<std::size_t>(p.text_id_length));
    pos += static_cast<std::size_t>(p.text_id_length);
  }
  return out;
}

// Which rank's block (io::block_for_rank) holds global row `position`.
int owner_of(std::uint64_t position, std::uint64_t total, int ranks) {
  int lo = 0, hi = ranks - 1;
  while (lo < hi) {
    const int mid = (lo + hi + 1) / 2;
    if (io::block_for_rank(total, mid, ranks).begin <= position) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

// Global counts: sums, the date range, and the first lines of each disposition.
QualityReport reduce_counts(const mpi::Communicator& comm, RowCounts& local) {
  QualityReport r;
  std::vector<std::uint64_t> sums{local.rows, local.blank_lines};
  sums.insert(sums.end(), local.count.begin(), local.count.end());
  comm.allreduce_sum(std::span<std::uint64_t>(sums));
  r.rows = sums[0];
  r.blank_lines = sums[1];
  std::copy(sums.begin() + 2, sums.end(), r.count.begin());
  // Each rank's first lines per disposition (padded with 0), gathered; the global first ones
  // are among them, whatever the split.
  std::vector<std::int64_t> mine(kDispositions * kFirstLinesKept, 0);
  for (std::size_t d = 0; d < kDispositions; ++d)
    for (std::size_t i = 0; i < local.first_lines[d].size(); ++i)
      mine[d * kFirstLinesKept + i] = static_cast<std::int64_t>(local.first_lines[d][i]);
  const std::vector<std::int64_t> all = comm.allgatherv(std::span<const std::int64_t>(mine));
  for (std::size_t d = 0; d < kDispositions; ++d) {
    std::vector<std::uint64_t> lines;
    for (std::size_t base = 0; base < all.size(); base += mine.size())
      for (std::size_t i = 0; i < kFirstLinesKept; ++i)
        if (const auto l = all[base + d * kFirstLinesKept + i]; l > 0) lines.push_back(static_cast<std::uint64_t>(l));
    std::sort(lines.begin(), lines.end());
    if (lines.size() > kFirstLinesKept) lines.resize(kFirstLinesKept);
    r.first_lines[d] = lines;
  }
  const std::int64_t min_time = comm.min(local.min_time);
  const std::int64_t max_time = comm.max(local.max_time);
  if (max_time >= min_time) {
    r.first_transaction = format_timestamp(min_time);
    r.last_transaction = format_timestamp(max_time);
  }
  return r;
}

void write_report_file(const mpi::Communicator& comm, const std::string& path, const QualityReport& report) {
  mpi::agree(comm, [&] {
    if (!comm.is_root()) return;
    // Under a temporary name renamed when complete, like every output (docs/outputs.md).
    report::write_file_atomically(path, to_json(report).dump(2) + "\n");
  });
}

std::vector<OutputColumn> table_columns(const std::vector<CustomerFeatures>& rows, const std::vector<std::string>& countries,
                                        bool with_country, bool with_products, bool with_churn, bool text_ids) {
  std::vector<std::uint64_t> id;
  std::vector<double> recency, monetary, tenure, basket, return_rate, revenue;
  std::vector<std::int32_t> frequency, products, country, churned;
  for (const auto& f : rows) {
    id.push_back(f.id);
    recency.push_back(f.recency_days);
    frequency.push_back(f.frequency);
    monetary.push_back(f.monetary);
    tenure.push_back(f.tenure_days);
    basket.push_back(f.avg_basket);
    return_rate.push_back(f.return_rate);
    products.push_back(f.distinct_products);
    country.push_back(static_cast<std::int32_t>(std::lower_bound(countries.begin(), countries.end(), f.country) -
                                                countries.begin()));
    revenue.push_back(f.revenue);
    churned.push_back(f.churned);
  }
  std::vector<OutputColumn> cols;
  // String ids are written separately (TextColumn), by rank 0 after the parallel columns.
  if (!text_ids) cols.push_back({"customer_id", std::move(id), {}, {{"role", "id"}}});
  cols.push_back({"recency_days", std::move(recency), {}, {{"unit", "days"}}});
  cols.push_back({"frequency", std::move(frequency), {}, {{"meaning", "distinct purchase invoices"}}});
  cols.push_back({"monetary", std::move(monetary), {}, {{"meaning", "purchases minus returns and cancellations"}}});
  cols.push_back({"tenure_days", std::move(tenure), {}, {{"unit", "days"}}});
  cols.push_back({"avg_basket", std::move(basket), {}, {{"meaning", "revenue / frequency"}}});
  cols.push_back({"return_rate", std::move(return_rate), {}, {{"meaning", "returned value / revenue"}}});
  if (with_products) cols.push_back({"distinct_products", std::move(products), {}, {}});
  if (with_country) cols.push_back({"country", std::move(country), countries, {}});
  cols.push_back({"revenue", std::move(revenue), {}, {{"role", "kpi"}, {"meaning", "gross purchases"}}});
  if (with_churn) cols.push_back({"churned", std::move(churned), {}, {{"role", "kpi"}}});
  return cols;
}

// What the reports say of each column (docs/input-hdf5.md#column-metadata): a plain-language
// label, the unit, and which way is better for the business.
void describe_columns(std::vector<OutputColumn>& cols, const std::string& currency) {
  struct Description {
    const char* name;
    const char* label;
    const char* unit;  // "$" = the currency
    const char* higher_is;
  };
  static constexpr Description kDescriptions[] = {
      {"recency_days", "days since the last purchase", "days", "bad"},
      {"frequency", "purchases (distinct invoices)", "purchases", "good"},
      {"monetary", "net spend", "$", "good"},
      {"tenure_days", "days since the first purchase", "days", "good"},
      {"avg_basket", "average spend per purchase", "$", "good"},
      {"return_rate", "share of spend returned", "fraction", "bad"},
      {"distinct_products", "distinct products bought", "products", "good"},
      {"revenue", "gross purchases", "$", "good"},
      {"churned", "no purchase after the churn cut-off", "", "bad"},
  };
  for (auto& col : cols) {
    for (const auto& d : kDescriptions) {
      if (col.name != d.name) continue;
      const std::string unit = std::string(d.unit) == "$" ? currency : d.unit;
      std::erase_if(col.attributes, [](const auto& a) { return a.first == "unit"; });
      col.attributes.emplace_back("label", d.label);
      if (!unit.empty()) col.attributes.emplace_back("unit", unit);
      col.attributes.emplace_back("higher_is", d.higher_is);
    }
  }
}

// The days given by --as-of, --churn-after and --calibration-end, if any.
struct Dates {
  std::optional<std::int64_t> as_of, churn, calibration_end;
  int unit_days = 7;  // --time-unit
};

Dates requested_dates(const IngestConfig& cfg) {
  Dates d;
  if (!cfg.as_of.empty()) d.as_of = day_of(*parse_timestamp(cfg.as_of));
  if (!cfg.churn_after.empty()) d.churn = day_of(*parse_timestamp(cfg.churn_after));
  if (!cfg.calibration_end.empty()) d.calibration_end = day_of(*parse_timestamp(cfg.calibration_end));
  d.unit_days = cfg.time_unit == "days" ? 1 : 7;
  return d;
}

// The day features are computed at: --as-of, or the day after the last transaction.
std::int64_t as_of_day(const QualityReport& counted, const Dates& dates) {
  return dates.as_of.value_or(day_of(*parse_timestamp(counted.last_transaction)) + 1);
}

// --as-of on or before the first purchase leaves no customer with features (an input error); far
// past the last one, every recency_days counts days the log does not cover (a warning).
void check_as_of_against_log(const mpi::Communicator& comm, const IngestConfig& cfg, std::int64_t as_of,
                             QualityReport& report) {
  const std::int64_t first = day_of(*parse_timestamp(report.first_transaction));
  const std::int64_t last = day_of(*parse_timestamp(report.last_transaction));
  mpi::agree(comm, [&] {
    if (as_of <= first)
      throw_input("--as-of " + cfg.as_of + " is on or before the first transaction of " + cfg.transactions + " (" +
                  report.first_transaction + "): no purchase falls before it, so no customer would have features");
  });
  constexpr std::int64_t kDaysPastLog = 30;  // beyond a month's export lag, likely a typo or a cut log
  if (as_of > last + kDaysPastLog)
    report.warnings.push_back("--as-of " + cfg.as_of + " is " + std::to_string(as_of - last) +
                              " days after the last transaction (" + report.last_transaction +
                              "): every recency_days includes those days without data; is the log complete?");
}

// Collective: the global row counts and date range, checked (agreed) for rows and dates, with
// the as-of day (given, or the day after the last transaction) and the churn day filled in.
QualityReport counted_report(const mpi::Communicator& comm, const IngestConfig& cfg, RowCounts& counts,
                             const Dates& dates) {
  QualityReport report = reduce_counts(comm, counts);
  report.input = cfg.transactions;
  mpi::agree(comm, [&] {
    if (report.rows == 0) throw_input(cfg.transactions + " has a header line but no data rows");
    if (report.last_transaction.empty()) throw_input(cfg.transactions + ": no row has a readable date");
  });
  report.as_of = civil_from_days(as_of_day(report, dates));
  if (dates.churn) report.churn_after = civil_from_days(*dates.churn);
  if (dates.as_of) check_as_of_against_log(comm, cfg, *dates.as_of, report);
  return report;
}


// This rank's finished customers, over all passes, and its shares of the report's sums.
struct PassTotals {
  std::deque<CustomerFeatures> features;  // grows without copying what it holds (millions of rows)
  std::set<std::string> countries;
  std::int64_t gross = 0, returned = 0;
  std::uint64_t without_purchases = 0;
  std::vector<std::uint64_t> copies = std::vector<std::uint64_t>(kDispositions, 0);  // exact duplicate rows
};

// Collective: the exact duplicate rows of all customers into the report; with --dedupe the
// copies move from their disposition to duplicates_dropped (count_duplicates has taken their
// amounts out of the sums).
void report_duplicate_rows(const mpi::Communicator& comm, std::vector<std::uint64_t> copies, bool drop,
                           QualityReport& report) {
  comm.allreduce_sum(std::span<std::uint64_t>(copies));
  std::copy(copies.begin(), copies.end(), report.duplicates.begin());
  // The rows compared: those that reached a customer (not set aside for a missing id, date,
  // quantity or price).
  std::uint64_t compared = report.rows;
  for (const Disposition d : {Disposition::missing_customer_id, Disposition::bad_date, Disposition::bad_quantity,
                              Disposition::bad_price})
    compared -= report.count[static_cast<std::size_t>(d)];
  report.duplicates_dropped = drop;
  if (drop)
    for (std::size_t d = 0; d < kDispositions; ++d) report.count[d] -= copies[d];
  constexpr double kRepeatedExport = 0.4;  // half the rows compared are copies when a file is fed twice
  const std::uint64_t n = report.duplicate_rows();
  if (n > 0 && static_cast<double>(n) >= kRepeatedExport * static_cast<double>(compared))
    report.warnings.push_back(std::to_string(n) + " of the " + std::to_string(compared) +
                              " rows with a customer are exact copies of another row of the same customer: was the same file or "
                              "export fed twice (concatenated)? " +
                              (drop ? "--dedupe dropped the copies." : "--dedupe drops the copies."));
}

// The calibration period of --calibration-end; the holdout runs to the log's last transaction.
CalibrationPeriod calibration_period(const QualityReport& report, const Dates& dates) {
  return {*dates.calibration_end, day_of(*parse_timestamp(report.last_transaction)), dates.unit_days};
}

// --calibration-end before the first transaction leaves nobody in the calibration cohort.
void check_calibration_end(const mpi::Communicator& comm, const IngestConfig& cfg, const Dates& dates,
                           const QualityReport& report) {
  if (!dates.calibration_end) return;
  mpi::agree(comm, [&] {
    if (*dates.calibration_end < day_of(*parse_timestamp(report.first_transaction)))
      throw_input("--calibration-end " + cfg.calibration_end + " is before the first transaction of " +
                  cfg.transactions + " (" + report.first_transaction + "): no customer would be in the calibration period");
  });
}

// Local: the features of one pass's merged customers (each customer's rows are all on this
// rank now), after counting its exact duplicate rows.
void finish_pass(Shuffled&& shuffled, std::int64_t as_of, const Dates& dates, bool dedupe, PassTotals& totals) {
  for (auto& s : shuffled.customers) {
    s.count_duplicates(dedupe);
    for (std::size_t d = 0; d < kDispositions; ++d) totals.copies[d] += s.duplicates[d];
    totals.gross += s.gross;
    totals.returned += s.returned;
    CustomerFeatures& f = totals.features.emplace_back(features_of(s, as_of, dates.churn));
    if (dates.calibration_end) f.calibration = calibration_statistics(s.purchase_days, *dates.calibration_end, dates.unit_days);
    totals.without_purchases += f.frequency == 0;
    totals.countries.insert(f.country);
    s = CustomerSummary{};  // its rows are no longer needed: free them as we go
  }
}

// Collective: the global value sums and duplicate counts into the report, and the sorted country
// labels of all ranks.
std::vector<std::string> report_totals(const mpi::Communicator& comm, PassTotals& totals, bool dedupe,
                                       QualityReport& report) {
  report_duplicate_rows(comm, totals.copies, dedupe, report);
  report.gross = comm.sum(totals.gross);
  report.returned = comm.sum(totals.returned);
  report.customers_without_purchases = comm.sum(totals.without_purchases);
  return global_labels(comm, totals.countries);
}

// Bytes of memory one pass holds at its peak per byte of the log it reads (the customers'
// summaries with every row's print, and the shuffle's buffers), measured on a generated log
// (26 bytes a line: 3.19 GB per rank for 133 MB of log per rank).
constexpr double kMemoryPerLogByte = 24;
constexpr std::uint64_t kMaxPasses = 1024;

// Collective: how many passes keep one pass within --memory-limit per rank (the same on every
// rank). auto: a third of the memory available to this node's ranks: the finished features of
// the passes (about 200 bytes a customer) and their global sort (about twice that, at the end)
// need the rest (a 100M-line log, 36M customers on 2 ranks: 11 GiB per rank with a half).
std::uint64_t pass_count(const mpi::Communicator& comm, const IngestConfig& cfg, std::uint64_t log_bytes) {
  const int on_node = comm.ranks_on_node();
  std::uint64_t budget = cfg.memory_limit_bytes;
  if (budget == 0) budget = available_memory_bytes().value_or(0) / 3 / static_cast<std::uint64_t>(on_node);
  std::int64_t passes = 1;
  if (budget > 0) {
    const double need = static_cast<double>(log_bytes) / comm.size() * kMemoryPerLogByte;
    passes = static_cast<std::int64_t>(std::ceil(need / static_cast<double>(budget)));
  }
  return static_cast<std::uint64_t>(std::clamp<std::int64_t>(comm.max(passes), 1, kMaxPasses));
}

// Agreed checks before the table is written: the row accounting, --strict, and any customer.
void check_report(const mpi::Communicator& comm, const IngestConfig& cfg, const QualityReport& report) {
  mpi::agree(comm, [&] {
    if (report.accounted() != report.rows)
      throw std::logic_error("row accounting does not add up: " + std::to_string(report.accounted()) + " of " +
                             std::to_string(report.rows));
    if (cfg.strict && report.set_aside() > 0)
      throw_input("--strict: " + std::to_string(report.set_aside()) + " of " + std::to_string(report.rows) +
                  " rows were set aside (see " + quality_report_path(cfg.output) + "); no table written");
    if (report.customers == 0) throw_input(cfg.transactions + ": no row could be attributed to a customer");
  });
}

TableLayout sorted_layout(const IngestConfig& cfg, const SortedRows& sorted, const QualityReport& report,
                          bool with_churn) {
  TableLayout layout;
  layout.total_rows = sorted.total;
  layout.blocks = {sorted.block};
  layout.max_blocks = 1;
  layout.group_attributes = {{"source", std::filesystem::path(cfg.transactions).filename().string()},
                             {"generator", "custseg ingest --transactions"},
                             {"as_of", report.as_of}};
  if (with_churn) {
    layout.group_attributes.emplace_back("churn_after", report.churn_after);
    // Whether rows after as-of fed the label: without any, churned restates recency_days exactly.
    layout.group_attributes.emplace_back(
        "rows_after_as_of", std::to_string(report.count[static_cast<std::size_t>(Disposition::after_as_of)]));
  }
  return layout;
}

// Integer ids among string ids join them in their canonical decimal form ("0042" -> "42"), so
// that a mixed column is still one table of string ids.
void integer_ids_as_text(TransactionAggregator& aggregator) {
  for (auto& [id, s] : aggregator.customers()) {
    s.text_id = std::to_string(id);
    std::string key = s.text_id;
    aggregator.text_customers().emplace(std::move(key), std::move(s));  // no textual key looks like an integer
  }
  aggregator.customers().clear();
}

// The string id column of the sorted table (all rows, every rank), or none for integer ids.
std::vector<TextColumn> text_id_column(std::vector<std::string>&& ids) {
  if (ids.empty()) return {};
  return {TextColumn{"customer_id", std::move(ids), {{"role", "id"}}}};
}

}  // namespace

namespace {

// Sends each summary to rank hash(key) % size, merges what arrives by key, and returns the
// merged summaries in key order. Collective: all ranks must reach it, even with no customers.
template <class Key, class KeyOf, class Hash>
Shuffled shuffle_merge(const mpi::Communicator& comm, std::unordered_map<Key, CustomerSummary>&& local, KeyOf key_of,
                       Hash hash) {
  const auto ranks = static_cast<std::uint64_t>(comm.size());
  std::vector<std::vector<char>> to_rank(ranks);
  for (auto& [key, s] : local) {
    s.normalise();  // send each customer's sets without duplicates
    serialize(s, to_rank[hash(key) % ranks]);
  }
  local.clear();
  const mpi::ReceivedBytes got = mpi::alltoallv_bytes(comm, to_rank);
  std::map<Key, CustomerSummary> merged;
  for (auto& s : deserialize(got.bytes.data(), got.bytes.size())) {
    auto [it, inserted] = merged.try_emplace(key_of(s));
    if (inserted) it->second = std::move(s);
    else it->second.merge(std::move(s));
  }
  Shuffled out;
  for (auto& [key, s] : merged) {
    s.normalise();
    out.customers.push_back(std::move(s));
  }
  return out;
}

}  // namespace

Shuffled shuffle_by_customer(const mpi::Communicator& comm, std::unordered_map<std::uint64_t, CustomerSummary>&& local) {
  return shuffle_merge(
      comm, std::move(local), [](const CustomerSummary& s) { return s.id; }, [](std::uint64_t id) { return customer_hash(id); });
}

Shuffled shuffle_by_text_id(const mpi::Communicator& comm, std::unordered_map<std::string, CustomerSummary>&& local) {
  return shuffle_merge(
      comm, std::move(local), [](const CustomerSummary& s) { return s.text_id; },
      [](const std::string& id) { return customer_hash(std::string_view(id)); });
}

SortedRows sort_globally(const mpi::Communicator& comm, std::deque<CustomerFeatures>&& mine, bool text_ids) {
  SortedRows out;
  std::vector<std::uint64_t> all;
  if (text_ids) {
    std::vector<std::string> keys;
    for (const auto& f : mine) keys.push_back(f.text_id);
    const mpi::ReceivedBytes got = mpi::allgatherv_bytes(comm, mpi::pack_strings(keys));
    out.text_ids = mpi::unpack_strings(got.bytes.data(), got.bytes.size());
    std::sort(out.text_ids.begin(), out.text_ids.end());
  } else {
    std::vector<std::int64_t> ids;
    for (const auto& f : mine) ids.push_back(static_cast<std::int64_t>(f.id));
    std::vector<std::int64_t> gathered = comm.allgatherv(std::span<const std::int64_t>(ids));
    all.assign(gathered.begin(), gathered.end());
    std::sort(all.begin(), all.end());
  }
  out.total = text_ids ? out.text_ids.size() : all.size();
  out.block = io::block_for_rank(out.total, comm.rank(), comm.size());
  // Each row's global position, then the bytes per destination reserved exactly: a growing
  // buffer would hold up to three times its final size while it reallocates (millions of rows).
  std::vector<std::uint64_t> positions;
  positions.reserve(mine.size());
  std::vector<std::size_t> bytes_to(static_cast<std::size_t>(comm.size()), 0);
  for (const CustomerFeatures& f : mine) {
    positions.push_back(static_cast<std::uint64_t>(
        text_ids ? std::lower_bound(out.text_ids.begin(), out.text_ids.end(), f.text_id) - out.text_ids.begin()
                 : std::lower_bound(all.begin(), all.end(), f.id) - all.begin()));
    bytes_to[static_cast<std::size_t>(owner_of(positions.back(), out.total, comm.size()))] += packed_size(f);
  }
  std::vector<std::uint64_t>().swap(all);
  std::vector<std::vector<char>> to_rank(static_cast<std::size_t>(comm.size()));
  for (std::size_t r = 0; r < to_rank.size(); ++r) to_rank[r].reserve(bytes_to[r]);
  // Popped as packed, and the freed rows handed back every million: the rows' memory goes back
  // while the packed copy grows.
  constexpr std::size_t kRowsBetweenReleases = 1 << 20;
  for (std::size_t i = 0; !mine.empty(); mine.pop_front(), ++i) {
    pack(positions[i], mine.front(), to_rank[static_cast<std::size_t>(owner_of(positions[i], out.total, comm.size()))]);
    if (i % kRowsBetweenReleases == kRowsBetweenReleases - 1) release_free_memory();
  }
  release_free_memory();
  std::vector<std::uint64_t>().swap(positions);
  const mpi::ReceivedBytes got = mpi::alltoallv_bytes(comm, to_rank);
  to_rank = {};
  out.rows = unpack(got.bytes, out.block);
  return out;
}

QualityReport ingest_transactions(const mpi::Communicator& comm, const IngestConfig& cfg, const Logger& log,
                                  const Pseudonymizer* pseudonyms) {
  Stopwatch clock;
  std::optional<InputFile> file;
  mpi::agree(comm, [&] { file.emplace(cfg.transactions); });
  const CsvPlan plan = plan_csv_parts(comm, *file, cfg.read_block_bytes, header_spec(cfg));
  ColumnIndex columns;
  mpi::agree(comm, [&] { columns = resolve_columns(cfg.columns, plan.header.names, cfg.transactions); });
  const Dates dates = requested_dates(cfg);
  log.info("ingest: " + cfg.transactions + " (" + format_bytes(static_cast<double>(file->size())) + ", " +
           std::to_string(plan.parts) + " parts on " + std::to_string(comm.size()) + " ranks) -> " + cfg.output);

  // --- passes: parse this rank's parts and summarise a share of the customers (no MPI inside),
  // shuffle them by customer, merge, finish their features. One pass unless the log's summaries
  // would not fit --memory-limit; the first pass counts every row for the report. ---
  const std::uint64_t passes = pass_count(comm, cfg, file->size());
  if (passes > 1)
    log.info("  " + std::to_string(passes) + " passes over the log, each keeping 1/" + std::to_string(passes) +
             " of the customers (--memory-limit " + cfg.memory_limit + ")");
  QualityReport report;
  bool text_ids = false;
  PassTotals totals;
  for (std::uint64_t pass = 0; pass < passes; ++pass) {
    TransactionAggregator aggregator(columns, cfg.columns.cancel_prefix, dates.as_of, value_format(cfg));
    if (dates.calibration_end) aggregator.collect_purchase_days();
    aggregator.select_pass(pass, passes);
    // The aggregator's refusals name the line; the file name is added here, where it is known.
    const auto add = [&](const CsvRecord& r) {
      try {
        aggregator.add(r);
      } catch (const Error& e) {
        throw Error(e.code(), cfg.transactions + ": " + e.what());
      }
    };
    const std::string label = passes > 1 ? "  parse, pass " + std::to_string(pass + 1) + "/" + std::to_string(passes) : "  parse";
    const PartStats parsed = parse_my_parts(comm, *file, plan, add, PartProgress(log, plan, label));
    if (pass == 0) {
      aggregator.counts().blank_lines = parsed.blank_lines;
      report = counted_report(comm, cfg, aggregator.counts(), dates);
      check_calibration_end(comm, cfg, dates, report);
      text_ids = comm.max(static_cast<std::int64_t>(aggregator.counts().text_ids)) == 1;
      log.info("  parsed " + std::to_string(report.rows) + " rows in " + std::to_string(clock.seconds()) + " s");
    }
    if (text_ids) integer_ids_as_text(aggregator);
    Shuffled shuffled = text_ids ? shuffle_by_text_id(comm, std::move(aggregator.text_customers()))
                                 : shuffle_by_customer(comm, std::move(aggregator.customers()));
    finish_pass(std::move(shuffled), as_of_day(report, dates), dates, cfg.dedupe, totals);
    release_free_memory();  // the pass's summaries, before the next pass or the sort
  }
  const std::vector<std::string> countries = report_totals(comm, totals, cfg.dedupe, report);
  SortedRows sorted = sort_globally(comm, std::move(totals.features), text_ids);
  report.customers = sorted.total;
  log.info("  " + std::to_string(report.customers) + " customers after " +
           (passes > 1 ? std::to_string(passes) + " passes of parse, shuffle and merge (" : "shuffle and merge (") +
           std::to_string(clock.seconds()) + " s)");

  // --- the report, then --strict, then the table ---
  write_report_file(comm, quality_report_path(cfg.output), report);
  if (comm.is_root() && log.level() >= Verbosity::normal) std::printf("%s\n", console_summary(report).c_str());
  check_report(comm, cfg, report);
  TableLayout layout = sorted_layout(cfg, sorted, report, dates.churn.has_value());
  std::vector<OutputColumn> typed = table_columns(sorted.rows, countries, columns.country.has_value(),
                                                  columns.product.has_value(), dates.churn.has_value(), text_ids);
  describe_columns(typed, cfg.currency);
  if (dates.calibration_end) {
    const CalibrationPeriod period = calibration_period(report, dates);
    add_calibration_columns(typed, sorted.rows, period, cfg.currency);
    const auto attributes = calibration_attributes(period);
    layout.group_attributes.insert(layout.group_attributes.end(), attributes.begin(), attributes.end());
  }
  std::vector<TextColumn> text = text_id_column(std::move(sorted.text_ids));
  if (pseudonyms) pseudonymize_id_column(comm, *pseudonyms, layout, typed, text);
  write_customer_table(comm, cfg.output, layout, typed, text);
  log.info("ingest: wrote " + std::to_string(report.customers) + " customers to " + cfg.output + " in " +
           std::to_string(clock.seconds()) + " s; quality report " + quality_report_path(cfg.output));
  return report;
}

}  // namespace custseg::ingest
