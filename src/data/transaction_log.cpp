#include "custseg/data/transaction_log.hpp"

#include <tbb/parallel_for.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <numbers>

#include "custseg/util/rng.hpp"
#include "custseg/util/rng_streams.hpp"

namespace custseg::data {

LogTally& LogTally::operator+=(const LogTally& o) {
  customers += o.customers;
  lines += o.lines;
  drawn += o.drawn;
  merged += o.merged;
  return *this;
}

namespace {

// A sequence of uniforms keyed by (customer key, stream): the n-th call returns
// uniform(key, stream, n). Separate streams for the customer's traits, its purchase times and its
// purchase values, so that a longer log only appends draws and never shifts the others.
class Stream {
 public:
  Stream(std::uint64_t key, std::uint64_t stream) : key_(key), stream_(stream) {}
  double uniform() { return rng::uniform(key_, stream_, next_++); }
  // Standard normal by Box-Muller (two uniforms; the second variate is not kept: simplicity
  // over speed, the draws per customer are few).
  double normal() {
    const double u1 = uniform();
    const double u2 = uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
  }
  // Gamma(shape, rate) by Marsaglia & Tsang (2000), "A simple method for generating gamma
  // variables"; shape < 1 by their boost: Gamma(shape + 1) * U^(1/shape).
  double gamma(double shape, double rate) {
    if (shape < 1.0) {
      const double boost = std::pow(uniform(), 1.0 / shape);
      return gamma(shape + 1.0, rate) * boost;
    }
    const double d = shape - 1.0 / 3.0;
    const double c = 1.0 / std::sqrt(9.0 * d);
    for (;;) {
      const double x = normal();
      const double v = std::pow(1.0 + c * x, 3);
      if (v <= 0.0) continue;
      if (std::log(uniform()) < 0.5 * x * x + d - d * v + d * std::log(v)) return d * v / rate;
    }
  }
  double beta(double a, double b) {
    const double x = gamma(a, 1.0);
    const double y = gamma(b, 1.0);
    return x / (x + y);
  }

 private:
  std::uint64_t key_, stream_;
  std::uint64_t next_ = 0;
};

// Sub-streams of a customer's key (rng_streams.hpp keeps the key's own stream id).
enum SubStream : std::uint64_t { kTraits = 1, kTimes = 2, kValues = 3 };

std::int64_t cents_of(double value) { return std::max<std::int64_t>(1, std::llround(value * 100.0)); }

// Adds a purchase at `day`, merged into the previous line when it is the same day (days come in
// order).
void add_purchase(std::vector<PurchaseDay>& out, int day, std::int64_t cents, LogTally& tally) {
  ++tally.drawn;
  if (!out.empty() && out.back().day == day) {
    out.back().cents += cents;
    ++tally.merged;
    return;
  }
  out.push_back({day, cents});
}

void append_number(std::string& out, std::uint64_t v) {
  char buf[24];
  const auto end = std::to_chars(buf, buf + sizeof buf, v).ptr;
  out.append(buf, end);
}

// The date text of every day of the plan's log, computed once per chunk rather than per line.
std::vector<std::string> date_table(int days) {
  std::vector<std::string> dates(static_cast<std::size_t>(days));
  for (int d = 0; d < days; ++d) dates[static_cast<std::size_t>(d)] = log_date(d);
  return dates;
}

void append_customer(const TransactionLogPlan& plan, std::uint64_t customer, const std::vector<std::string>& dates,
                     std::vector<PurchaseDay>& days, std::string& out, LogTally& tally) {
  draw_customer(plan, customer, days, tally);
  for (const auto& d : days) {
    append_number(out, customer + 1);
    out += ',';
    out += dates[static_cast<std::size_t>(d.day)];
    out += ",1,";
    append_number(out, static_cast<std::uint64_t>(d.cents / 100));
    out += '.';
    const auto c = static_cast<char>(d.cents % 100);
    out += static_cast<char>('0' + c / 10);
    out += static_cast<char>('0' + c % 10);
    out += '\n';
  }
}

}  // namespace

std::string log_date(int day) {
  using namespace std::chrono;
  const year_month_day ymd{sys_days{year{1997} / January / 1} + days{day}};
  char buf[16];
  const int y = static_cast<int>(ymd.year());
  const unsigned m = static_cast<unsigned>(ymd.month()), d = static_cast<unsigned>(ymd.day());
  buf[0] = static_cast<char>('0' + y / 1000);
  buf[1] = static_cast<char>('0' + y / 100 % 10);
  buf[2] = static_cast<char>('0' + y / 10 % 10);
  buf[3] = static_cast<char>('0' + y % 10);
  buf[4] = '-';
  buf[5] = static_cast<char>('0' + m / 10);
  buf[6] = static_cast<char>('0' + m % 10);
  buf[7] = '-';
  buf[8] = static_cast<char>('0' + d / 10);
  buf[9] = static_cast<char>('0' + d % 10);
  return std::string(buf, 10);
}

void draw_customer(const TransactionLogPlan& plan, std::uint64_t customer, std::vector<PurchaseDay>& out,
                   LogTally& tally) {
  const TransactionModel& m = plan.model;
  const std::uint64_t key = rng::bits(plan.seed, rng::streams::kTransactionLogCustomer, customer);
  Stream traits(key, kTraits), times(key, kTimes), values(key, kValues);
  const double lambda = traits.gamma(m.r, m.alpha);
  const double dropout = traits.beta(m.a, m.b);
  const double nu = traits.gamma(m.q, m.gamma);
  const double end = plan.calibration_weeks + plan.holdout_weeks;
  double t = traits.uniform() * plan.cohort_weeks;
  out.clear();
  ++tally.customers;
  // The first purchase; BG/NBD's dropout follows repeat purchases only (FHL05 assumption iii).
  add_purchase(out, static_cast<int>(std::floor(7.0 * t)), cents_of(values.gamma(m.p, nu)), tally);
  for (;;) {
    t += -std::log(times.uniform()) / lambda;
    if (!(t < end)) break;  // also ends an infinite wait (lambda underflowed to 0)
    add_purchase(out, static_cast<int>(std::floor(7.0 * t)), cents_of(values.gamma(m.p, nu)), tally);
    if (times.uniform() < dropout) break;
  }
  tally.lines += out.size();
}

std::string log_header() { return "customer_id,date,quantity,amount\n"; }

void append_log_lines(const TransactionLogPlan& plan, std::uint64_t begin, std::uint64_t end, std::string& out,
                      LogTally& tally) {
  // Sub-blocks drawn in parallel into their own strings, joined in customer order.
  constexpr std::uint64_t kBlock = 4096;
  const std::uint64_t blocks = (end - begin + kBlock - 1) / kBlock;
  const std::vector<std::string> dates = date_table(plan.total_days());
  std::vector<std::string> texts(blocks);
  std::vector<LogTally> tallies(blocks);
  tbb::parallel_for(std::uint64_t{0}, blocks, [&](std::uint64_t k) {
    std::vector<PurchaseDay> days;
    const std::uint64_t stop = std::min(end, begin + (k + 1) * kBlock);
    for (std::uint64_t c = begin + k * kBlock; c < stop; ++c) append_customer(plan, c, dates, days, texts[k], tallies[k]);
  });
  for (std::uint64_t k = 0; k < blocks; ++k) {
    out += texts[k];
    tally += tallies[k];
  }
}

}  // namespace custseg::data
