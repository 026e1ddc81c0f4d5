#include "custseg/config/generate_config.hpp"

#include <cmath>
#include <set>
#include <utility>
#include <vector>

#include "custseg/util/byte_size.hpp"
#include "custseg/data/synthetic.hpp"
#include "custseg/util/error.hpp"
#include "custseg/util/number_text.hpp"

namespace custseg::config {

namespace {

// The options of --transactions (data/transaction_log.hpp): size, periods and the true parameters.
void add_transaction_log_options(po::options_description& desc, GenerateConfig& c) {
  data::TransactionLogPlan& g = c.log;
  data::TransactionModel& m = g.model;
  const auto real = [](double& v) { return po::value(&v)->default_value(v, number_text(v)); };
  desc.add_options()
      ("transactions", po::bool_switch(&c.transactions),
       "write a CSV transaction log (customer_id,date,quantity,amount; one line per customer and purchase "
       "day) drawn from the BG/NBD and gamma-gamma models instead of a customer table, and the true "
       "parameters in OUTPUT.truth.json; ingest it with --config configs/ingest-generated.ini "
       "--calibration-end DATE (docs/clv.md)")
      ("customers", po::value(&g.customers), "--transactions: number of customers (required)")
      ("cohort-weeks", po::value(&g.cohort_weeks)->default_value(g.cohort_weeks),
       "--transactions: first purchases are spread uniformly over the first this many weeks (CDNOW: 12)")
      ("calibration-weeks", po::value(&g.calibration_weeks)->default_value(g.calibration_weeks),
       "--transactions: weeks of the calibration period, from 1997-01-01")
      ("holdout-weeks", po::value(&g.holdout_weeks)->default_value(g.holdout_weeks),
       "--transactions: weeks of the holdout period after it (0 = none); the log ends there")
      ("r", real(m.r), "--transactions, BG/NBD: shape of the gamma of purchase rates")
      ("alpha", real(m.alpha), "--transactions, BG/NBD: rate of that gamma, in weeks (mean rate r/alpha a week)")
      ("a", real(m.a), "--transactions, BG/NBD: beta(a, b) of the dropout probability after each repeat purchase")
      ("b", real(m.b), "--transactions, BG/NBD: see --a")
      ("p", real(m.p), "--transactions, gamma-gamma: shape of the gamma of each purchase's value")
      ("q", real(m.q), "--transactions, gamma-gamma: shape of the gamma of the customers' value rates nu")
      ("gamma", real(m.gamma),
       "--transactions, gamma-gamma: rate of that gamma, in currency units (mean value p gamma / (q - 1) for q > 1)");
}

void check_positive(double v, const char* name) {
  if (!(v > 0 && std::isfinite(v)))
    throw_usage(std::string("--") + name + " must be a finite number above 0 (got " + number_text(v) + ")");
}

// Usage errors of --transactions, and of its options given without it.
void check_transaction_log(GenerateConfig& c, const std::set<std::string>& given) {
  static const std::vector<std::string> kLogOnly{"customers", "cohort-weeks", "calibration-weeks", "holdout-weeks",
                                                 "r", "alpha", "a", "b", "p", "q", "gamma"};
  static const std::vector<std::string> kTableOnly{"rows", "wide", "period", "drift", "alignment", "chunk-size"};
  for (const std::string& name : c.transactions ? kTableOnly : kLogOnly)
    if (given.count(name))
      throw_usage("--" + name + (c.transactions ? " applies to the customer table, not to --transactions"
                                                             : " applies to --transactions only"));
  if (!c.transactions) return;
  if (c.log.customers == 0) throw_usage("--transactions needs --customers N, at least 1");
  const data::TransactionModel& m = c.log.model;
  for (const auto& [v, name] : {std::pair{m.r, "r"}, {m.alpha, "alpha"}, {m.a, "a"}, {m.b, "b"}, {m.p, "p"},
                                {m.q, "q"}, {m.gamma, "gamma"}})
    check_positive(v, name);
  if (c.log.calibration_weeks < 1 || c.log.calibration_weeks > 5200)
    throw_usage("--calibration-weeks must be between 1 and 5200 (got " + std::to_string(c.log.calibration_weeks) + ")");
  if (c.log.holdout_weeks < 0 || c.log.holdout_weeks > 5200)
    throw_usage("--holdout-weeks must be between 0 and 5200 (got " + std::to_string(c.log.holdout_weeks) + ")");
  // Every customer's first purchase is in the calibration period: all are in its cohort.
  if (c.log.cohort_weeks < 1 || c.log.cohort_weeks > c.log.calibration_weeks)
    throw_usage("--cohort-weeks must be between 1 and --calibration-weeks (" + std::to_string(c.log.calibration_weeks) +
                "; got " + std::to_string(c.log.cohort_weeks) + ")");
  c.log.seed = c.seed;
}

}  // namespace

bool parse_generate_config(int argc, char** argv, int rank, GenerateConfig& c) {
  std::string alignment;
  po::options_description desc("custseg generate: write a synthetic customer table (parallel HDF5)");
  desc.add_options()
      ("rows", po::value(&c.rows)->default_value(c.rows), "number of customers")
      ("seed", po::value(&c.seed)->default_value(c.seed), "random seed; same seed -> same file")
      ("output,o", po::value(&c.output), "HDF5 file to write (required)")
      ("chunk-rows", po::value(&c.chunk_rows)->default_value(c.chunk_rows),
       "rows (with --transactions: customers) generated and written per step per rank (bounds memory)")
      ("wide", po::bool_switch(&c.wide),
       "also write 8 engagement columns (sessions_per_month, pages_per_session, app_share, return_rate, "
       "support_contacts, category_breadth, coupon_redemptions, review_count): 16 behavioural columns in all; "
       "they are not default features, name them with segment --features")
      ("period", po::value(&c.period)->default_value(c.period),
       "1: the table of --rows customers; 2: the same customers one quarter later (give period 1's --rows and "
       "--seed): 10% of them lost, the others kept with behaviour moved by --drift (some loyal and bargain "
       "customers lapse, some new ones ramp up), 15% new customers with new ids, rows shuffled "
       "(docs/segment-ids.md)")
      ("drift", po::value(&c.drift)->default_value(c.drift, number_text(c.drift)),
       "--period 2: how far kept customers move, 0 to 5 (0: behaviour unchanged; 1: 20% of loyal and bargain "
       "customers lapse, half the new ones ramp up, baskets and shares jitter by about 10%; 5: every loyal and "
       "bargain customer lapses)")
      ("alignment", po::value(&alignment)->default_value("0"),
       "start every dataset of 64 KiB or more at a multiple of this many bytes, e.g. 1M or the file "
       "system's stripe size (0 = packed)")
      ("chunk-size", po::value(&c.chunk_size)->default_value(c.chunk_size),
       "store columns in HDF5 chunks of this many rows (0 = contiguous, the default)");
  add_transaction_log_options(desc, c);
  add_common_options(desc, c.common);
  std::set<std::string> given;
  if (!parse_options("custseg generate --rows N --seed S --output FILE.h5 [options]\n"
                     "       custseg generate --transactions --customers N --seed S --output LOG.csv [options]",
                     desc, argc, argv, c.common, rank, &given))
    return false;
  if (c.output.empty()) throw_usage("--output is required (see 'custseg generate --help')");
  check_transaction_log(c, given);
  if (c.rows == 0) throw_usage("--rows must be at least 1");
  if (c.period != 1 && c.period != 2) throw_usage("--period must be 1 or 2 (got " + std::to_string(c.period) + ")");
  if (!(c.drift >= 0 && c.drift <= data::PeriodTwoPlan::kMaxDrift))
    throw_usage("--drift must be between 0 and " + number_text(data::PeriodTwoPlan::kMaxDrift) + " (got " +
                number_text(c.drift) + "): beyond, the drifted values leave any plausible range (docs/segment-ids.md)");
  if (c.chunk_rows == 0) throw_usage("--chunk-rows must be at least 1");
  c.alignment = parse_byte_size(alignment, "--alignment");
  if (c.chunk_size > (std::uint64_t{1} << 31)) throw_usage("--chunk-size must be at most 2^31 rows (an HDF5 limit)");
  if (c.common.threads < 0) throw_usage("--threads must be 0 or more");
  return true;
}

}  // namespace custseg::config
