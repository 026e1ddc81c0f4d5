#pragma once
// report.json and segments.csv, rendered from the run summary on rank 0.
#include <string>

#include "custseg/report/run_summary.hpp"

namespace custseg::report {

inline constexpr int kReportSchemaVersion = 1;

std::string render_json_report(const RunSummary& s);
std::string render_segments_csv(const RunSummary& s);
// The short console table printed at the end of a run.
std::string render_console_table(const RunSummary& s);

// Writes to a temporary name in the same directory, then renames: a reader never sees half a file.
void write_file_atomically(const std::string& path, const std::string& content);

}  // namespace custseg::report
