#include "custseg/ingest/ingest_config.hpp"

#include "custseg/ingest/values.hpp"
#include "custseg/util/error.hpp"

namespace custseg::ingest {

namespace po = boost::program_options;

bool parse_ingest_config(int argc, char** argv, int rank, IngestConfig& c) {
  po::options_description desc(
      "custseg ingest: transaction log or aggregated table (CSV) -> customer table (parallel HDF5)");
  desc.add_options()
      ("transactions", po::value(&c.transactions), "transaction log CSV: one row per line item (RFM features)")
      ("table", po::value(&c.table), "aggregated CSV: one row per customer, columns typed automatically")
      ("output,o", po::value(&c.output), "HDF5 customer table to write (required); the quality report goes next to it")
      ("id-column", po::value(&c.columns.customer_id),
       "customer id column; with --table, 'none' numbers the rows from 1")
      ("invoice-column", po::value(&c.columns.invoice), "invoice (order) number column")
      ("date-column", po::value(&c.columns.date), "transaction date column (YYYY-MM-DD[ HH:MM[:SS]] or M/D/YYYY H:MM)")
      ("quantity-column", po::value(&c.columns.quantity), "quantity column (whole numbers; negative = return)")
      ("price-column", po::value(&c.columns.price), "unit price column (decimal, at most 4 places)")
      ("country-column", po::value(&c.columns.country), "country column (optional): coded categorical 'country'")
      ("product-column", po::value(&c.columns.product), "product code column (optional): distinct_products")
      ("cancel-prefix", po::value(&c.columns.cancel_prefix)->default_value(c.columns.cancel_prefix),
       "invoices starting with this are cancellations ('' = none)")
      ("as-of", po::value(&c.as_of), "observation date YYYY-MM-DD: features use rows before it (default: the day after the last transaction)")
      ("churn-after", po::value(&c.churn_after), "cut-off date YYYY-MM-DD: churned = 1 if no purchase on a later day")
      ("strict", po::bool_switch(&c.strict), "fail if any row is set aside")
      ("read-block-bytes", po::value(&c.read_block_bytes)->default_value(c.read_block_bytes),
       "the CSV is read in parts of at most this many bytes per rank and step (bounds memory)");
  config::add_common_options(desc, c.common);
  if (!config::parse_options("custseg ingest (--transactions FILE.csv | --table FILE.csv --id-column NAME) --output FILE.h5 [options]",
                             desc, argc, argv, c.common, rank))
    return false;
  if (c.transactions.empty() == c.table.empty())
    throw_usage("give exactly one of --transactions and --table (see 'custseg ingest --help')");
  if (c.output.empty()) throw_usage("--output is required (see 'custseg ingest --help')");
  if (!c.table.empty() && c.columns.customer_id.empty())
    throw_usage("--table needs --id-column NAME (or --id-column none to number the rows)");
  for (const auto* date : {&c.as_of, &c.churn_after}) {
    if (date->empty()) continue;
    const auto t = parse_timestamp(*date);
    if (!t || *t % 86400 != 0)
      throw_usage("'" + *date + "' is not a date; --as-of and --churn-after take YYYY-MM-DD");
  }
  if (!c.table.empty() && (!c.as_of.empty() || !c.churn_after.empty()))
    throw_usage("--as-of and --churn-after apply to --transactions only");
  if (c.read_block_bytes < 1) throw_usage("--read-block-bytes must be at least 1");
  if (c.common.threads < 0) throw_usage("--threads must be 0 or more");
  return true;
}

std::string quality_report_path(const std::string& output) { return output + ".quality.json"; }

}  // namespace custseg::ingest
