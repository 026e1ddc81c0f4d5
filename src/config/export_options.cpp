#include "custseg/config/export_options.hpp"

#include "custseg/config/choices.hpp"
#include "custseg/util/error.hpp"

namespace custseg::config {

ExportFormat parse_export_format(const std::string& name) {
  if (name == "auto") return ExportFormat::automatic;
  if (name == "none") return ExportFormat::none;
  if (name == "csv") return ExportFormat::csv;
  throw_usage("--export must be auto, none or csv (got '" + name + "')");
}

std::string to_string(ExportFormat format) {
  switch (format) {
    case ExportFormat::none: return "none";
    case ExportFormat::csv: return "csv";
    case ExportFormat::automatic: break;
  }
  return "auto";
}

void add_export_options(po::options_description& desc, ExportOptions& e) {
  desc.add_options()
      ("export", enum_value(&e.format, &parse_export_format),
       "per-customer export beside results.h5: csv writes OUTPUT/assignments.csv (customer id as in the input, "
       "segment, segment name, distance), none writes none, auto writes it up to 10,000,000 customers "
       "(docs/outputs.md)");
}

bool writes_assignments_csv(const ExportOptions& e, std::uint64_t rows_total) {
  if (e.format == ExportFormat::automatic) return rows_total <= kAutoExportMaxRows;
  return e.format == ExportFormat::csv;
}

}  // namespace custseg::config
