#pragma once
// The synthetic transaction log of `custseg generate --transactions` (issue 14, "Scale"): a known
// truth for the CLV fits, of any size. Customers buy as the BG/NBD model says (Fader, Hardie & Lee
// 2005, "'Counting Your Customers' the Easy Way", Marketing Science 24(2) 275-284) and spend as the
// gamma-gamma model says (Fader, Hardie & Lee 2005, "RFM and CLV", JMR 42(4) 415-430; Fader &
// Hardie 2013, "The Gamma-Gamma Model of Monetary Value"):
//
//   lambda ~ Gamma(shape r, rate alpha)        purchases per week while alive (alpha in weeks)
//   p      ~ Beta(a, b)                         dropout probability after each repeat purchase
//   nu     ~ Gamma(shape q, rate gamma)         (gamma in currency units)
//   first purchase at t0 ~ Uniform[0, cohort_weeks), then a Poisson process of rate lambda;
//   after each repeat purchase the customer drops out with probability p;
//   each purchase's value z ~ Gamma(shape p_spend, rate nu).
//
// The log ends at calibration_weeks + holdout_weeks. Times become days (day = floor(7 t), day 0 =
// kStartDate) and purchases on one day are merged into one line (values summed): ingest counts a
// purchase day as one transaction, so the log holds at most one line per customer and day. Values
// are whole cents, at least 0.01. The merges are counted (`merged`) because they are the one
// place where the log departs from the continuous-time model.
//
// Every draw is a pure function of (seed, customer): counter-based streams (util/rng.hpp) keyed by
// the customer's global index, so any split of the customers over ranks gives the same lines.
// MPI-free.
#include <cstdint>
#include <string>
#include <vector>

namespace custseg::data {

struct TransactionModel {
  // BG/NBD, CDNOW-like defaults (FHL05's 39-week CDNOW fit: r 0.243, alpha 4.414, a 0.793, b 2.426).
  double r = 0.25;
  double alpha = 4.8;  // weeks
  double a = 0.72;
  double b = 2.2;
  // Gamma-gamma, CDNOW-like defaults (Fader & Hardie 2013: p 6.25, q 3.74, gamma 15.44).
  double p = 6.3;
  double q = 3.6;
  double gamma = 15.0;  // currency units (USD for the CDNOW-like defaults)
};

struct TransactionLogPlan {
  TransactionModel model;
  std::uint64_t customers = 0;
  std::uint64_t seed = 42;
  int cohort_weeks = 12;        // first purchases spread over the first weeks (CDNOW: 12)
  int calibration_weeks = 39;
  int holdout_weeks = 39;
  [[nodiscard]] int total_days() const { return 7 * (calibration_weeks + holdout_weeks); }
  // Last day of the calibration period, as a day index (day 0 = kStartDate).
  [[nodiscard]] int calibration_end_day() const { return 7 * calibration_weeks - 1; }
};

// Day 0 of every generated log (CDNOW's first day).
inline constexpr const char* kStartDate = "1997-01-01";

// "YYYY-MM-DD" of day `day` after kStartDate (day >= 0).
[[nodiscard]] std::string log_date(int day);

// One line of the log: a purchase day of a customer and its value in cents.
struct PurchaseDay {
  std::int32_t day = 0;
  std::int64_t cents = 0;
};

// Purchases drawn and merged into an earlier purchase's day, summed over customers.
struct LogTally {
  std::uint64_t customers = 0;
  std::uint64_t lines = 0;
  std::uint64_t drawn = 0;   // purchases drawn by the continuous-time model
  std::uint64_t merged = 0;  // of them, those that fell on a day that already had one (drawn = lines + merged)
  LogTally& operator+=(const LogTally& o);
};

// The purchase days of customer `customer` (0-based global index; its id in the log is
// customer + 1), in day order, into `out` (cleared first). Adds to `tally`.
void draw_customer(const TransactionLogPlan& plan, std::uint64_t customer, std::vector<PurchaseDay>& out,
                   LogTally& tally);

// The CSV header line of the log, with its newline: customer_id,date,quantity,amount.
[[nodiscard]] std::string log_header();

// Appends the lines of customers [begin, end) to `out` (customer order, then day order) and adds
// them to `tally`. TBB-parallel over sub-blocks; the text does not depend on the thread count.
void append_log_lines(const TransactionLogPlan& plan, std::uint64_t begin, std::uint64_t end, std::string& out,
                      LogTally& tally);

}  // namespace custseg::data
