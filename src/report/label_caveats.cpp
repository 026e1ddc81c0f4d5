#include "custseg/report/label_caveats.hpp"

#include <chrono>
#include <cstdio>
#include <optional>

namespace custseg::report {

namespace {

std::optional<std::chrono::sys_days> parse_day(const std::string& text) {
  int y = 0;
  unsigned m = 0, d = 0;
  char tail = 0;
  if (std::sscanf(text.c_str(), "%4d-%2u-%2u%c", &y, &m, &d, &tail) != 3) return std::nullopt;
  const std::chrono::year_month_day day{std::chrono::year{y}, std::chrono::month{m}, std::chrono::day{d}};
  if (!day.ok()) return std::nullopt;
  return std::chrono::sys_days{day};
}

bool has_kpi(const RunSummary& s, const std::string& name) {
  for (const auto& kpi : s.profiles.kpis)
    if (kpi.name == name) return true;
  return false;
}

}  // namespace

std::optional<long> days_between(const std::string& from, const std::string& to) {
  const auto a = parse_day(from), b = parse_day(to);
  if (!a || !b) return std::nullopt;
  return static_cast<long>((*b - *a).count());
}

std::vector<std::string> label_caveats(const RunSummary& s) {
  std::vector<std::string> caveats;
  const auto days = days_between(s.churn_after, s.as_of);
  if (!has_kpi(s, "churned") || !days) return caveats;
  if (*days <= 0 && s.rows_after_as_of == "0") {  // nothing after the cut-off to observe
    caveats.push_back("churned says nothing: the table was ingested with --churn-after " + s.churn_after +
                      " on or after its as-of date " + s.as_of + " and the log has no purchases after as-of, so every "
                      "customer counts as churned. Give --as-of a date inside the log and --churn-after the same date "
                      "(docs/input-csv.md, \"The churned label\").");
    return caveats;
  }
  if (*days <= 0) return caveats;
  const std::string n = std::to_string(*days);
  const std::string made = "its cut-off (--churn-after " + s.churn_after + ") lies before the as-of date of the features (" +
                           s.as_of + ")";
  const std::string recipe = " For a forecast, ingest with --as-of equal to --churn-after (docs/input-csv.md, \"The "
                             "churned label\").";
  if (s.rows_after_as_of == "0")  // every purchase that decides the label is one the features saw
    caveats.push_back("churned describes the past, not the future: " + made + " and the log ends there, so churned = 1 "
                      "exactly when recency_days >= " + n + " (a deterministic function of a feature; segments on "
                      "recency_days explain it by construction)." + recipe);
  else
    caveats.push_back("churned is partly a feature: " + made + ", so churned = 1 only where recency_days >= " + n +
                      " (a customer within " + n + " days of as-of cannot have churned); only purchases after as-of "
                      "make it more than a recency threshold." + recipe);
  return caveats;
}

}  // namespace custseg::report
