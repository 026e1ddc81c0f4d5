#include "custseg/ingest/ingest_config.hpp"

#include <algorithm>

#include "custseg/ingest/values.hpp"
#include "custseg/util/byte_size.hpp"
#include "custseg/util/error.hpp"

namespace custseg::ingest {

namespace po = boost::program_options;

namespace {

std::vector<std::string> split_names(const std::string& list) {
  std::vector<std::string> names;
  std::size_t begin = 0;
  for (;;) {
    const auto comma = list.find(',', begin);
    names.emplace_back(trim(std::string_view(list).substr(begin, comma - begin)));
    if (comma == std::string::npos) return names;
    begin = comma + 1;
  }
}

void check_dialect_options(const IngestConfig& c) {
  if (c.delimiter != "auto" && !parse_dialect(c.delimiter))
    throw_usage("--delimiter '" + c.delimiter + "' is not one of , ; | tab whitespace auto");
  if (c.decimal != "." && c.decimal != ",") throw_usage("--decimal must be '.' or ','");
  if (const auto problem = date_format_problem(c.date_format))
    throw_usage("--date-format '" + c.date_format + "': " + *problem + " (e.g. %d/%m/%Y, %Y%m%d)");
  if (!c.column_names.empty()) {
    const auto names = split_names(c.column_names);
    for (std::size_t i = 0; i < names.size(); ++i) {
      if (names[i].empty()) throw_usage("--columns '" + c.column_names + "' has an empty name");
      if (std::find(names.begin(), names.begin() + static_cast<std::ptrdiff_t>(i), names[i]) != names.begin() + static_cast<std::ptrdiff_t>(i))
        throw_usage("--columns names '" + names[i] + "' twice");
    }
  }
}

// --read-block-bytes and --memory-limit into bytes.
void parse_memory_sizes(IngestConfig& c) {
  c.read_block_bytes = parse_byte_size(c.read_block_size, "--read-block-bytes");
  if (c.read_block_bytes < 1) throw_usage("--read-block-bytes must be at least 1");
  if (c.memory_limit != "auto") {
    c.memory_limit_bytes = parse_byte_size(c.memory_limit, "--memory-limit");
    if (c.memory_limit_bytes < 1) throw_usage("--memory-limit must be at least 1 byte, or auto");
  }
}

}  // namespace

HeaderSpec header_spec(const IngestConfig& cfg) {
  HeaderSpec spec;
  spec.sniff = cfg.delimiter == "auto";
  if (!spec.sniff) spec.dialect = *parse_dialect(cfg.delimiter);
  if (!cfg.column_names.empty()) spec.names = split_names(cfg.column_names);
  return spec;
}

ValueFormat value_format(const IngestConfig& cfg) { return ValueFormat{DateFormat(cfg.date_format), cfg.decimal[0]}; }

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
      ("date-column", po::value(&c.columns.date), "transaction date column (format: --date-format)")
      ("quantity-column", po::value(&c.columns.quantity), "quantity column (whole numbers; negative = return)")
      ("price-column", po::value(&c.columns.price), "unit price column (decimal, at most 4 places)")
      ("amount-column", po::value(&c.columns.amount),
       "line total column, instead of --price-column, for logs that carry the value of the line (CDNOW)")
      ("country-column", po::value(&c.columns.country), "country column (optional): coded categorical 'country'")
      ("product-column", po::value(&c.columns.product), "product code column (optional): distinct_products")
      ("cancel-prefix", po::value(&c.columns.cancel_prefix)->default_value(c.columns.cancel_prefix),
       "invoices starting with this are cancellations ('' = none)")
      ("as-of", po::value(&c.as_of), "observation date YYYY-MM-DD: features use rows before it (default: the day after the last transaction)")
      ("currency", po::value(&c.currency),
       "currency of the log's prices, e.g. GBP: the unit attribute of monetary, avg_basket and revenue, shown by the "
       "reports (default: none written)")
      ("churn-after", po::value(&c.churn_after), "cut-off date YYYY-MM-DD: churned = 1 if no purchase on a later day")
      ("calibration-end", po::value(&c.calibration_end),
       "last day YYYY-MM-DD of the calibration period: adds the CLV models' columns frequency (repeat purchase "
       "days), recency, T, monetary_value and, for purchases after it, holdout_frequency and holdout_value; "
       "the invoice count is then the column invoices (docs/clv.md)")
      ("time-unit", po::value(&c.time_unit)->default_value(c.time_unit),
       "unit of recency, T and the holdout length with --calibration-end: days or weeks")
      ("delimiter", po::value(&c.delimiter)->default_value(c.delimiter),
       "field delimiter: , ; | tab, or whitespace (runs of blanks, no quoting); auto = ',' but refuse a "
       "one-column header that holds another delimiter")
      ("columns", po::value(&c.column_names),
       "comma-separated names of the columns of a file without a header line (line 1 is data)")
      ("decimal", po::value(&c.decimal)->default_value(c.decimal),
       "decimal mark of numbers: '.' or ',' (then '.' may group thousands: 1.234,56)")
      ("date-format", po::value(&c.date_format)->default_value(c.date_format),
       "strptime format of dates, e.g. %d/%m/%Y, '%m/%d/%Y %H:%M', %Y%m%d, %Y-%m-%d; auto = "
       "YYYY-MM-DD[ HH:MM[:SS]] or M/D/YYYY[ H:MM[:SS]]")
      ("strict", po::bool_switch(&c.strict), "fail if any row is set aside")
      ("dedupe", po::bool_switch(&c.dedupe),
       "drop exact duplicate rows (every field equal to another row of the same customer) before summing; "
       "without it they are kept and counted in the quality report's duplicate_rows")
      ("read-block-bytes", po::value(&c.read_block_size)->default_value(c.read_block_size),
       "the CSV is read in parts of at most this many bytes per rank and step, e.g. 64M or 1048576 (bounds "
       "memory)")
      ("memory-limit", po::value(&c.memory_limit)->default_value(c.memory_limit),
       "--transactions: memory per rank for the customers' summaries, e.g. 4G; a log too large for it is read in "
       "several passes, each keeping a share of the customers (the same table and report); auto = a third of this "
       "node's available memory (or its cgroup limit, e.g. Slurm's) over the ranks on the node");
  config::add_privacy_options(desc, c.privacy, "the customer table's customer_id column", false);
  config::add_common_options(desc, c.common);
  if (!config::parse_options("custseg ingest (--transactions FILE.csv | --table FILE.csv --id-column NAME) --output FILE.h5 [options]",
                             desc, argc, argv, c.common, rank))
    return false;
  if (c.transactions.empty() == c.table.empty())
    throw_usage("give exactly one of --transactions and --table (see 'custseg ingest --help')");
  if (c.output.empty()) throw_usage("--output is required (see 'custseg ingest --help')");
  if (!c.table.empty() && c.columns.customer_id.empty())
    throw_usage("--table needs --id-column NAME (or --id-column none to number the rows)");
  for (const auto* date : {&c.as_of, &c.churn_after, &c.calibration_end}) {
    if (date->empty()) continue;
    const auto t = parse_timestamp(*date);
    if (!t || *t % 86400 != 0)
      throw_usage("'" + *date + "' is not a date; --as-of, --churn-after and --calibration-end take YYYY-MM-DD");
  }
  if (c.time_unit != "days" && c.time_unit != "weeks")
    throw_usage("--time-unit '" + c.time_unit + "': choose days or weeks");
  if (!c.table.empty() && (!c.as_of.empty() || !c.churn_after.empty() || c.date_format != "auto" || !c.columns.amount.empty() || c.dedupe ||
                            !c.calibration_end.empty()))
    throw_usage("--as-of, --churn-after, --date-format, --amount-column, --dedupe and --calibration-end apply to "
                "--transactions only "
                "(a customer table with a repeated id is refused: one row per customer)");
  check_dialect_options(c);
  parse_memory_sizes(c);
  if (c.common.threads < 0) throw_usage("--threads must be 0 or more");
  return true;
}

std::string quality_report_path(const std::string& output) { return output + ".quality.json"; }

}  // namespace custseg::ingest
