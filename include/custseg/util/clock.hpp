#pragma once
// Wall-clock stamps for reports (report.json "created_utc").
#include <string>

namespace custseg {

// The current time as ISO 8601 UTC, e.g. "2026-11-23T12:41:07Z".
std::string utc_timestamp();

}  // namespace custseg
