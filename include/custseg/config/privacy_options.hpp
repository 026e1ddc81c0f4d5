#pragma once
// --pseudonymize-ids KEYFILE and --consent-column NAME (docs/privacy.md): the jobs that take them,
// and what they change in each.
#include <string>

#include "custseg/config/options.hpp"

namespace custseg::config {

struct PrivacyOptions {
  std::string pseudonymize_ids;  // key file path; empty = ids are not pseudonymized
  std::string consent_column;    // rows with 0 in it are excluded from everything; empty = none
};

// --pseudonymize-ids, when `pseudonymized` names (for the job's --help) which of its outputs carry
// the pseudonym; --consent-column when `consent` is set.
void add_privacy_options(po::options_description& desc, PrivacyOptions& p, const char* pseudonymized, bool consent);

// The consent column a run recorded in its /model/config ("consent-column = NAME"), or empty.
// compare reads each run's table through it, so that the table's rows are the run's.
std::string consent_column_of(const std::string& config_text);
// `config_text` with its consent-column line replaced by `column`'s (none when empty): a scored
// result records the consent column of the scoring, not of the fit.
std::string with_consent_column(const std::string& config_text, const std::string& column);

}  // namespace custseg::config
