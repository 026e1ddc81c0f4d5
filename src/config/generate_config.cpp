#include "custseg/config/generate_config.hpp"

#include <cmath>

#include "custseg/util/byte_size.hpp"
#include "custseg/data/synthetic.hpp"
#include "custseg/util/error.hpp"

namespace custseg::config {

bool parse_generate_config(int argc, char** argv, int rank, GenerateConfig& c) {
  std::string alignment;
  po::options_description desc("custseg generate: write a synthetic customer table (parallel HDF5)");
  desc.add_options()
      ("rows", po::value(&c.rows)->default_value(c.rows), "number of customers")
      ("seed", po::value(&c.seed)->default_value(c.seed), "random seed; same seed -> same file")
      ("output,o", po::value(&c.output), "HDF5 file to write (required)")
      ("chunk-rows", po::value(&c.chunk_rows)->default_value(c.chunk_rows),
       "rows generated and written per step per rank (bounds memory)")
      ("wide", po::bool_switch(&c.wide),
       "also write 8 engagement columns (sessions_per_month, pages_per_session, app_share, return_rate, "
       "support_contacts, category_breadth, coupon_redemptions, review_count): 16 behavioural columns in all; "
       "they are not default features, name them with segment --features")
      ("period", po::value(&c.period)->default_value(c.period),
       "1: the table of --rows customers; 2: the same customers one quarter later (give period 1's --rows and "
       "--seed): 10% of them lost, the others kept with behaviour moved by --drift (some loyal and bargain "
       "customers lapse, some new ones ramp up), 15% new customers with new ids, rows shuffled "
       "(docs/segment-ids.md)")
      ("drift", po::value(&c.drift)->default_value(c.drift, shortest_text(c.drift)),
       "--period 2: how far kept customers move, 0 to 5 (0: behaviour unchanged; 1: 20% of loyal and bargain "
       "customers lapse, half the new ones ramp up, baskets and shares jitter by about 10%; 5: every loyal and "
       "bargain customer lapses)")
      ("alignment", po::value(&alignment)->default_value("0"),
       "start every dataset of 64 KiB or more at a multiple of this many bytes, e.g. 1M or the file "
       "system's stripe size (0 = packed)")
      ("chunk-size", po::value(&c.chunk_size)->default_value(c.chunk_size),
       "store columns in HDF5 chunks of this many rows (0 = contiguous, the default)");
  add_common_options(desc, c.common);
  if (!parse_options("custseg generate --rows N --seed S --output FILE.h5 [options]", desc, argc, argv, c.common, rank))
    return false;
  if (c.output.empty()) throw_usage("--output is required (see 'custseg generate --help')");
  if (c.rows == 0) throw_usage("--rows must be at least 1");
  if (c.period != 1 && c.period != 2) throw_usage("--period must be 1 or 2 (got " + std::to_string(c.period) + ")");
  if (!(c.drift >= 0 && c.drift <= data::PeriodTwoPlan::kMaxDrift))
    throw_usage("--drift must be between 0 and " + shortest_text(data::PeriodTwoPlan::kMaxDrift) + " (got " +
                shortest_text(c.drift) + "): beyond, the drifted values leave any plausible range (docs/segment-ids.md)");
  if (c.chunk_rows == 0) throw_usage("--chunk-rows must be at least 1");
  c.alignment = parse_byte_size(alignment, "--alignment");
  if (c.chunk_size > (std::uint64_t{1} << 31)) throw_usage("--chunk-size must be at most 2^31 rows (an HDF5 limit)");
  if (c.common.threads < 0) throw_usage("--threads must be 0 or more");
  return true;
}

}  // namespace custseg::config
