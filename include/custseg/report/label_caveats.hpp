#pragma once
// Honest labels: warnings that a KPI is not what its name suggests. Today one: the `churned`
// column `ingest --transactions --churn-after` writes is a deterministic function of recency_days
// when its cut-off lies before the as-of date of the features (docs/input-csv.md, "The churned
// label: what it is"); report.html and report.json then say so next to the churn rate. When
// no log row lay after as-of the label is exactly `recency_days >= N`; otherwise it is 1 only
// where that holds.
#include <optional>
#include <string>
#include <vector>

#include "custseg/report/run_summary.hpp"

namespace custseg::report {

// Whole days from `from` to `to` (both YYYY-MM-DD); nullopt when either is not such a date.
std::optional<long> days_between(const std::string& from, const std::string& to);

// One sentence per caveat, empty when there is none (pure).
std::vector<std::string> label_caveats(const RunSummary& s);

}  // namespace custseg::report
