#include "custseg/data/synthetic.hpp"

#include <tbb/parallel_for.h>

#include <algorithm>
#include <array>
#include <cmath>

#include "custseg/util/permutation.hpp"
#include "custseg/util/rng.hpp"
#include "custseg/util/rng_streams.hpp"

namespace custseg::data {

const std::vector<std::string>& behavioural_columns() {
  static const std::vector<std::string> names{"recency_days", "frequency",     "monetary",  "tenure_days",
                                              "avg_basket",   "discount_share", "web_share", "email_open_rate"};
  return names;
}
const std::vector<std::string>& engagement_columns() {
  static const std::vector<std::string> names{"sessions_per_month", "pages_per_session", "app_share",
                                              "return_rate",        "support_contacts",  "category_breadth",
                                              "coupon_redemptions", "review_count"};
  return names;
}
const std::vector<std::string>& archetype_names() {
  static const std::vector<std::string> names{"loyal high spenders", "bargain hunters", "new customers",
                                              "lapsed", "occasional store shoppers"};
  return names;
}
const std::vector<std::string>& region_names() {
  static const std::vector<std::string> names{"North", "South", "East", "West", "Central"};
  return names;
}
const std::vector<std::string>& gender_names() {
  static const std::vector<std::string> names{"female", "male", "undisclosed"};
  return names;
}

void SyntheticBlock::resize(std::size_t n, bool wide) {
  engagement.resize(wide ? engagement_columns().size() : 0);
  for (auto& column : engagement) column.resize(n);
  for (auto* v : {&recency_days, &monetary, &avg_basket, &discount_share, &web_share, &email_open_rate, &revenue_12m})
    v->resize(n);
  for (auto* v : {&frequency, &tenure_days, &age, &region, &gender, &churned, &true_segment}) v->resize(n);
  customer_id.resize(n);
}

namespace {

// Per-archetype parameters: medians of log-normal quantities, centres of rates, churn risk.
struct Archetype {
  double weight;
  double recency_median, frequency_median, basket_median, tenure_median;
  double discount, web, email;  // typical shares in (0,1)
  double age_mean, churn_probability;
};

constexpr std::array<Archetype, 5> kArchetypes{{
    {0.12, 9.0, 42.0, 120.0, 1600.0, 0.04, 0.45, 0.65, 48.0, 0.03},  // loyal high spenders
    {0.25, 28.0, 14.0, 22.0, 700.0, 0.62, 0.75, 0.38, 34.0, 0.12},   // bargain hunters
    {0.15, 6.0, 2.0, 55.0, 35.0, 0.20, 0.85, 0.55, 29.0, 0.25},      // new customers
    {0.23, 320.0, 3.0, 38.0, 1300.0, 0.15, 0.35, 0.05, 52.0, 0.70},  // lapsed
    {0.25, 85.0, 6.0, 65.0, 900.0, 0.22, 0.12, 0.18, 57.0, 0.15},    // occasional store shoppers
}};

// Per-archetype centres of the engagement columns, in engagement_columns() order: medians of
// log-normal quantities (sessions, pages, contacts, categories, coupons, reviews) and centres of
// shares (app_share, return_rate).
struct Engagement {
  double sessions, pages, app, returns, contacts, categories, coupons, reviews;
};
constexpr std::array<Engagement, 5> kEngagement{{
    {22.0, 9.0, 0.55, 0.05, 1.5, 9.0, 3.0, 6.0},   // loyal high spenders
    {15.0, 12.0, 0.40, 0.12, 2.5, 6.0, 12.0, 2.0},  // bargain hunters
    {8.0, 7.0, 0.35, 0.08, 1.2, 2.0, 1.0, 0.6},     // new customers
    {0.6, 3.0, 0.10, 0.10, 0.4, 2.0, 0.5, 1.0},     // lapsed
    {3.0, 4.0, 0.08, 0.06, 0.8, 3.0, 2.0, 0.5},     // occasional store shoppers
}};

// Streams: one per random quantity, so adding a column never changes the others. Their ids are
// part of the reproducibility contract, listed in util/rng_streams.hpp (add, never renumber).
enum Stream : std::uint64_t {
  kArch = 1, kRecency, kFrequency, kBasket, kTenure, kDiscount, kWeb, kEmail, kAge, kRegion, kGender, kChurn, kNoise,
  kEngagementFirst = rng::streams::kSyntheticEngagementFirst,  // + c for engagement column c
  kGenderCoin = kGender + 100,                                 // which of the two main genders
};
// The three ranges must not overlap (8 engagement columns).
static_assert(kNoise < kEngagementFirst && kEngagementFirst + 8 <= kGenderCoin);

double log_normal(std::uint64_t seed, Stream s, std::uint64_t row, double median, double sigma) {
  return median * std::exp(sigma * rng::normal(seed, s, row));
}

double logistic_share(std::uint64_t seed, Stream s, std::uint64_t row, double centre, double spread) {
  const double logit = std::log(centre / (1.0 - centre)) + spread * rng::normal(seed, s, row);
  return 1.0 / (1.0 + std::exp(-logit));
}

// One customer's engagement columns, drawn from streams of their own.
void fill_engagement(std::uint64_t seed, std::uint64_t row, int archetype, SyntheticBlock& out, std::size_t i) {
  const Engagement& e = kEngagement[static_cast<std::size_t>(archetype)];
  auto stream = [](std::size_t c) { return static_cast<Stream>(kEngagementFirst + c); };
  auto count = [&](std::size_t c, double median) { return std::floor(log_normal(seed, stream(c), row, median, 0.45)); };
  auto share = [&](std::size_t c, double centre) { return logistic_share(seed, stream(c), row, centre, 0.4); };
  const double values[] = {std::round(log_normal(seed, stream(0), row, e.sessions, 0.4) * 10.0) / 10.0,
                           std::round(log_normal(seed, stream(1), row, e.pages, 0.3) * 10.0) / 10.0,
                           share(2, e.app),
                           share(3, e.returns),
                           count(4, e.contacts),
                           std::max(1.0, count(5, e.categories)),
                           count(6, e.coupons),
                           count(7, e.reviews)};
  for (std::size_t c = 0; c < out.engagement.size(); ++c) out.engagement[c][i] = values[c];
}

int pick_archetype(std::uint64_t seed, std::uint64_t row) {
  double u = rng::uniform(seed, kArch, row);
  for (std::size_t a = 0; a < kArchetypes.size(); ++a) {
    if (u < kArchetypes[a].weight) return static_cast<int>(a);
    u -= kArchetypes[a].weight;
  }
  return static_cast<int>(kArchetypes.size()) - 1;
}

// One customer of the period-1 table: row `row` drawn from archetype `a` (pick_archetype(seed, row)
// for period 1) into out[i].
void fill_row(std::uint64_t seed, std::uint64_t row, int a, SyntheticBlock& out, std::size_t i, bool wide) {
  const Archetype& p = kArchetypes[static_cast<std::size_t>(a)];
  out.customer_id[i] = 100000001ULL + row;
  out.true_segment[i] = a;
  const double recency = std::floor(log_normal(seed, kRecency, row, p.recency_median, 0.35));
  const int frequency = std::max(1, static_cast<int>(std::lround(log_normal(seed, kFrequency, row, p.frequency_median, 0.3))));
  const double basket = std::round(log_normal(seed, kBasket, row, p.basket_median, 0.3) * 100.0) / 100.0;
  const double tenure = std::max(recency + frequency, std::floor(log_normal(seed, kTenure, row, p.tenure_median, 0.3)));
  out.recency_days[i] = recency;
  out.frequency[i] = frequency;
  out.avg_basket[i] = basket;
  out.monetary[i] = std::round(basket * frequency * 100.0) / 100.0;
  out.tenure_days[i] = static_cast<std::int32_t>(tenure);
  out.discount_share[i] = logistic_share(seed, kDiscount, row, p.discount, 0.35);
  out.web_share[i] = logistic_share(seed, kWeb, row, p.web, 0.35);
  out.email_open_rate[i] = logistic_share(seed, kEmail, row, p.email, 0.35);
  out.age[i] = static_cast<std::int32_t>(std::clamp(std::lround(p.age_mean + 11.0 * rng::normal(seed, kAge, row)), 18L, 95L));
  out.region[i] = static_cast<std::int32_t>(rng::bits(seed, kRegion, row) % region_names().size());
  out.gender[i] = rng::uniform(seed, kGender, row) < 0.03 ? 2 : static_cast<std::int32_t>(rng::bits(seed, kGenderCoin, row) & 1U);
  // Revenue of the last 12 months: the yearly share of lifetime spend, with noise.
  const double yearly = out.monetary[i] * std::min(1.0, 365.0 / tenure);
  out.revenue_12m[i] = std::round(yearly * std::exp(0.1 * rng::normal(seed, kNoise, row)) * 100.0) / 100.0;
  out.churned[i] = rng::uniform(seed, kChurn, row) < p.churn_probability ? 1 : 0;
  if (wide) fill_engagement(seed, row, a, out, i);
}

constexpr int kNewCustomers = 2, kLapsed = 3;

double moved_share(std::uint64_t seed, std::uint64_t stream, std::uint64_t row, double value, double drift) {
  const double logit = std::log(value / (1.0 - value)) + 0.2 * drift * rng::normal(seed, stream, row);
  return 1.0 / (1.0 + std::exp(-logit));
}

// A kept customer one quarter later: some loyal and bargain customers lapse (recency up, frequency
// down), some new customers ramp up (frequency up), everyone's basket and shares move a little.
void apply_drift(std::uint64_t seed, std::uint64_t row, double drift, SyntheticBlock& out, std::size_t i) {
  namespace st = rng::streams;
  const int a = out.true_segment[i];
  double recency = out.recency_days[i];
  int frequency = out.frequency[i];
  if ((a == 0 || a == 1) && rng::uniform(seed, st::kPeriodLapse, row) < std::min(1.0, PeriodTwoPlan::kLapseShare * drift)) {
    recency = std::floor(recency * (1.0 + 8.0 * drift) + 60.0 * drift);
    frequency = std::max(1, static_cast<int>(std::lround(frequency * std::exp(-0.7 * drift))));
    out.true_segment[i] = kLapsed;  // the archetype the customer now behaves like
  } else if (a == kNewCustomers &&
             rng::uniform(seed, st::kPeriodRampUp, row) < std::min(1.0, PeriodTwoPlan::kRampUpShare * drift)) {
    frequency = static_cast<int>(std::lround(frequency * (1.0 + 3.0 * drift)));
  }
  const double basket =
      std::round(out.avg_basket[i] * std::exp(0.1 * drift * rng::normal(seed, st::kPeriodNoiseFirst, row)) * 100.0) / 100.0;
  const double tenure = std::max(recency + frequency, static_cast<double>(out.tenure_days[i] + PeriodTwoPlan::kDaysLater));
  out.recency_days[i] = recency;
  out.frequency[i] = frequency;
  out.avg_basket[i] = basket;
  out.monetary[i] = std::round(basket * frequency * 100.0) / 100.0;
  out.tenure_days[i] = static_cast<std::int32_t>(tenure);
  out.discount_share[i] = moved_share(seed, st::kPeriodNoiseFirst + 1, row, out.discount_share[i], drift);
  out.web_share[i] = moved_share(seed, st::kPeriodNoiseFirst + 2, row, out.web_share[i], drift);
  out.email_open_rate[i] = moved_share(seed, st::kPeriodNoiseFirst + 3, row, out.email_open_rate[i], drift);
  const double yearly = out.monetary[i] * std::min(1.0, 365.0 / tenure);
  out.revenue_12m[i] = std::round(yearly * std::exp(0.1 * rng::normal(seed, st::kPeriodNoiseFirst + 4, row)) * 100.0) / 100.0;
  out.churned[i] = rng::uniform(seed, kChurn, row) < kArchetypes[static_cast<std::size_t>(out.true_segment[i])].churn_probability ? 1 : 0;
}

}  // namespace

PeriodTwoPlan period_two_plan(std::uint64_t base_rows) {
  PeriodTwoPlan p;
  p.base_rows = base_rows;
  p.lost = static_cast<std::uint64_t>(std::llround(PeriodTwoPlan::kLostShare * static_cast<double>(base_rows)));
  p.kept = base_rows - p.lost;
  p.added = static_cast<std::uint64_t>(std::llround(PeriodTwoPlan::kAddedShare * static_cast<double>(base_rows)));
  p.rows = p.kept + p.added;
  return p;
}

void generate_period_two_block(std::uint64_t seed, const PeriodTwoPlan& plan, double drift, const io::RowBlock& block,
                               SyntheticBlock& out, bool wide) {
  out.resize(block.count, wide);
  // Positions [0, kept) of the first permutation are the period-1 rows kept; the second shuffles
  // the period-2 rows (kept first, then added, before shuffling).
  const rng::Permutation base_order(seed, rng::streams::kPeriodLostOrder, plan.base_rows);
  const rng::Permutation row_order(seed, rng::streams::kPeriodRowOrder, plan.rows);
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, block.count, 4096), [&](const auto& range) {
    for (std::size_t i = range.begin(); i != range.end(); ++i) {
      const std::uint64_t q = row_order(block.begin + i);
      if (q < plan.kept) {
        const std::uint64_t row = base_order(q);
        fill_row(seed, row, pick_archetype(seed, row), out, i, wide);
        apply_drift(seed, row, drift, out, i);
      } else {
        fill_row(seed, plan.base_rows + (q - plan.kept), kNewCustomers, out, i, wide);
      }
    }
  });
}

void generate_block(std::uint64_t seed, const io::RowBlock& block, SyntheticBlock& out, bool wide) {
  out.resize(block.count, wide);
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, block.count, 4096), [&](const auto& range) {
    for (std::size_t i = range.begin(); i != range.end(); ++i) {
      const std::uint64_t row = block.begin + i;
      fill_row(seed, row, pick_archetype(seed, row), out, i, wide);
    }
  });
}

}  // namespace custseg::data
