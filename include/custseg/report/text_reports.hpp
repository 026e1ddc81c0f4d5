#pragma once
// report.json and segments.csv, rendered from the run summary on rank 0. Neither contains a
// customer id; a segment smaller than the summary's min_segment_size shows "< N" instead of its
// figures (privacy, like statistical offices' small-cell suppression).
#include <string>

#include "custseg/report/run_summary.hpp"

namespace custseg::report {

// 2: profiles (quantiles, index, standardized difference), KPIs, names, quality, privacy,
// fairness, sweep. The keys of version 1 ("k", "inertia", "iterations", "segments", ...) remain.
inline constexpr int kReportSchemaVersion = 2;

std::string render_json_report(const RunSummary& s);
std::string render_segments_csv(const RunSummary& s);
// The short console table printed at the end of a run.
std::string render_console_table(const RunSummary& s);

// Writes to a temporary name in the same directory (PATH.partial), flushes it to disk, then
// renames: a reader never sees half a file. Refuses up front when the file system lacks the
// room ("no space left on DEVICE writing PATH: needs ~X, ..."), and checks every write, flush
// and close (the same message when the disk fills meanwhile); the partial file is removed.
void write_file_atomically(const std::string& path, const std::string& content);

}  // namespace custseg::report
