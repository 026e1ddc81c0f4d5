#include "custseg/config/privacy_options.hpp"

#include <sstream>
#include <string_view>

namespace custseg::config {

void add_privacy_options(po::options_description& desc, PrivacyOptions& p, const char* pseudonymized, bool consent) {
  if (pseudonymized)
    desc.add_options()
        ("pseudonymize-ids", po::value(&p.pseudonymize_ids),
         (std::string("key file (mode 600; its bytes are the key): ") + pseudonymized +
          " show HMAC-SHA256(key, id) in lowercase hex instead of the customer id (docs/privacy.md)")
             .c_str());
  if (consent)
    desc.add_options()
        ("consent-column", po::value(&p.consent_column),
         "0/1 column of the input table: customers with 0 are excluded from everything (fit, scores, statistics, "
         "outputs) and only counted; any other value is an input error (docs/privacy.md)");
}

namespace {
constexpr std::string_view kConsentLine = "consent-column = ";
}  // namespace

std::string consent_column_of(const std::string& config_text) {
  std::istringstream lines(config_text);
  for (std::string line; std::getline(lines, line);)
    if (line.starts_with(kConsentLine)) return line.substr(kConsentLine.size());
  return {};
}

std::string with_consent_column(const std::string& config_text, const std::string& column) {
  if (column.empty() && consent_column_of(config_text).empty()) return config_text;  // unchanged, byte for byte
  std::istringstream lines(config_text);
  std::string out;
  for (std::string line; std::getline(lines, line);)
    if (!line.starts_with(kConsentLine)) out += line + "\n";
  if (!column.empty()) out += std::string(kConsentLine) + column + "\n";
  return out;
}

}  // namespace custseg::config
