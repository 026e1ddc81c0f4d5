#pragma once
// --export: the per-customer export beside results.h5 (docs/outputs.md, "assignments.csv").
// Shared by segment and score.
#include <cstdint>
#include <string>

#include "custseg/config/options.hpp"

namespace custseg::config {

enum class ExportFormat { automatic, none, csv };

// "auto" | "none" | "csv"; throws a usage error otherwise.
ExportFormat parse_export_format(const std::string& name);
std::string to_string(ExportFormat format);

// auto writes assignments.csv up to this many customers (about 1 GB of CSV at 100 bytes per row):
// past it the CSV is slower to write than results.h5 and bigger than a spreadsheet or CRM import
// takes; `--export csv` writes it anyway.
inline constexpr std::uint64_t kAutoExportMaxRows = 10'000'000;

struct ExportOptions {
  ExportFormat format = ExportFormat::automatic;
};

void add_export_options(po::options_description& desc, ExportOptions& e);

// Whether assignments.csv is written for a table of `rows_total` customers.
bool writes_assignments_csv(const ExportOptions& e, std::uint64_t rows_total);

}  // namespace custseg::config
