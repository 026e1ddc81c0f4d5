#include "custseg/stats/segment_names.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>
#include <numeric>

#include "custseg/stats/rfm_segment_map.hpp"

namespace custseg::stats {

namespace {

std::string lower(std::string text) {
  for (char& ch : text) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return text;
}

// Plain words for the columns ingest and generate write (and their usual spellings), in each
// direction; any other column is "high NAME" / "low NAME".
std::string term(const std::string& column, bool high) {
  struct Words {
    const char* prefix;
    const char* high;
    const char* low;
  };
  static constexpr Words kWords[] = {
      {"recency", "lapsed", "recent"},
      {"frequency", "frequent", "infrequent"},
      {"invoices", "frequent", "infrequent"},  // the invoice count under its ingest --calibration-end name
      {"monetary", "big spenders", "low spenders"},
      {"tenure", "long-standing", "new"},
      {"avg_basket", "large baskets", "small baskets"},
      {"discount_share", "discount-driven", "full-price"},
      {"web_share", "mostly online", "mostly in store"},
      {"email_open_rate", "opens emails", "ignores emails"},
      {"return_rate", "many returns", "few returns"},
      {"distinct_products", "broad range", "narrow range"},
      {"age", "older", "younger"},
  };
  const std::string key = lower(column);
  for (const auto& w : kWords) {
    const std::string prefix = w.prefix;
    // "recency", "recency_days", "Recency_weeks": the prefix, then nothing or an underscore.
    if (key.rfind(prefix, 0) == 0 && (key.size() == prefix.size() || key[prefix.size()] == '_'))
      return high ? w.high : w.low;
  }
  return std::string(high ? "high " : "low ") + column;
}

std::string capitalised(std::string text) {
  if (!text.empty()) text[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(text[0])));
  return text;
}

// The distinctive terms of segment c, strongest first: every feature at least min_abs_std_diff
// from the population (NaN counts as no difference).
std::vector<std::string> distinctive_terms(const std::vector<FeatureProfile>& features, std::size_t c,
                                           const NamingOptions& options) {
  std::vector<std::size_t> order(features.size());
  std::iota(order.begin(), order.end(), 0);
  auto strength = [&](std::size_t f) {
    const double s = features[f].std_diff[c];
    return std::isfinite(s) ? std::abs(s) : 0.0;
  };
  // Stable: equal strengths keep the feature order, so names never depend on sort internals.
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return strength(a) > strength(b); });
  std::vector<std::string> terms;
  for (const std::size_t f : order) {
    if (strength(f) < options.min_abs_std_diff) break;
    terms.push_back(term(features[f].name, features[f].std_diff[c] > 0));
  }
  return terms;
}

std::string joined_name(const std::vector<std::string>& terms, std::size_t count) {
  std::string name;
  for (std::size_t i = 0; i < terms.size() && i < count; ++i) name += (name.empty() ? "" : ", ") + terms[i];
  return name.empty() ? "average on all features" : capitalised(name);
}

}  // namespace

std::vector<std::string> segment_names(const std::vector<FeatureProfile>& features, std::size_t k,
                                       const NamingOptions& options) {
  if (const auto rfm = find_rfm_features(features)) return rfm_segment_names(features, *rfm, k);
  std::vector<std::string> names(k);
  std::vector<std::vector<std::string>> terms(k);
  std::vector<std::size_t> used(k, options.max_terms);
  for (std::size_t c = 0; c < k; ++c) {
    if (features.empty() || features[0].moments.count[c] == 0) {
      names[c] = "empty";
      continue;
    }
    terms[c] = distinctive_terms(features, c, options);
    names[c] = joined_name(terms[c], used[c]);
  }
  // Segments whose names coincide each take their next distinctive term (up to kExtraTerms more),
  // so two segments read apart ("Big spenders, recent, frequent, younger" vs "..., older")
  // before any is numbered: a number tells a marketer nothing, and would pass to whichever comes
  // later. Names that still coincide go back to their short form and are numbered.
  constexpr std::size_t kExtraTerms = 2;
  const std::size_t longest = options.max_terms + kExtraTerms;
  for (bool lengthened = true; lengthened;) {
    lengthened = false;
    std::map<std::string, std::size_t> holders;
    for (const auto& name : names) ++holders[name];
    for (std::size_t c = 0; c < k; ++c) {
      if (holders[names[c]] < 2 || used[c] >= std::min(terms[c].size(), longest)) continue;
      names[c] = joined_name(terms[c], ++used[c]);
      lengthened = true;
    }
  }
  std::map<std::string, std::size_t> holders;
  for (const auto& name : names) ++holders[name];
  for (std::size_t c = 0; c < k; ++c)
    if (holders[names[c]] > 1 && !terms[c].empty()) names[c] = joined_name(terms[c], options.max_terms);
  number_repeated_names(names);
  return names;
}

void number_repeated_names(std::vector<std::string>& names) {
  std::map<std::string, int> seen;
  for (auto& name : names) {
    const int n = ++seen[name];
    if (n > 1) name += " (" + std::to_string(n) + ")";
  }
}

}  // namespace custseg::stats
