#include "custseg/report/clv_html.hpp"

#include <cmath>
#include <sstream>

#include "custseg/report/charts.hpp"
#include "custseg/report/svg.hpp"

namespace custseg::report {

namespace {

using svg::escape;
using svg::format_number;

const stats::KpiProfile* find_kpi(const RunSummary& s, const std::string& name) {
  for (const auto& kpi : s.profiles.kpis)
    if (kpi.from_clv && kpi.name == name) return &kpi;
  return nullptr;
}

void card(std::ostringstream& o, const std::string& label, const std::string& value) {
  o << "<div class=\"card clv-card\">" << escape(label) << "<b>" << value << "</b></div>";
}

bool any_missing_error(const clv::FitReport& f) {
  for (const double se : f.standard_errors)
    if (!std::isfinite(se)) return true;
  return false;
}

// The fitted value of the parameter called `name`; NaN when the model has none of that name.
double parameter(const clv::FitReport& f, const std::string& name) {
  for (std::size_t i = 0; i < f.names.size() && i < f.params.size(); ++i)
    if (f.names[i] == name) return f.params[i];
  return std::nan("");
}

// BG/NBD's mean probability of dropping out after a purchase, a / (a + b); NaN for a model
// without dropout parameters (gamma-gamma's are p, q, gamma). Found by the parameter names, which
// the fit sets (clv/fit.cpp), not by the name the report displays.
double mean_dropout(const clv::FitReport& f) {
  const double a = parameter(f, "a"), b = parameter(f, "b");
  return a / (a + b);
}

// A fit that is not a proper interior maximum gets a plain-words warning: its standard errors are
// missing, and with BG/NBD near "no dropout" P(alive) says nothing (seen on Online Retail: a -> 0).
std::string fit_caveat(const std::string& model, const clv::FitReport& f) {
  if (f.at_bound || any_missing_error(f)) {
    std::string text = model + ": the likelihood has no proper interior maximum (it keeps rising toward a limit of "
                               "the parameters), so the standard errors are not available.";
    if (const double dropout = mean_dropout(f); dropout < 1e-3)
      text += " The mean chance of dropping out after a purchase, a/(a+b), is " + format_number(dropout) +
              ": the data show almost no dropout, so P(alive) is close to 1 for every customer and says nothing about "
              "churn here. Expected purchases and CLV still rank customers by their purchase rate.";
    return text;
  }
  if (!f.converged) return model + ": the optimizer stopped without converging (" + f.stop_reason + "); treat the figures as rough.";
  return {};
}

void parameter_table(std::ostringstream& o, const std::string& model, const clv::FitReport& f) {
  o << "<tr><td class=\"text\">" << escape(model) << "</td>";
  std::string params, errors;
  for (std::size_t i = 0; i < f.names.size(); ++i) {
    params += (i ? ", " : "") + f.names[i] + " = " + format_number(f.params[i]);
    errors += (i ? ", " : "") + (std::isfinite(f.standard_errors[i]) ? format_number(f.standard_errors[i]) : std::string("n/a"));
  }
  o << "<td class=\"text\">" << escape(params) << "</td><td class=\"text\">" << escape(errors) << "</td><td>"
    << format_number(static_cast<double>(f.customers)) << "</td><td>" << format_number(f.log_likelihood) << "</td></tr>";
}

}  // namespace

std::string clv_cards(const RunSummary& s) {
  if (!s.clv) return {};
  const ClvSummary& c = *s.clv;
  std::ostringstream o;
  if (const auto* value = find_kpi(s, "clv"))
    card(o, "customer lifetime value, " + c.horizon_text() + " after " + (c.calibration_end.empty() ? "the calibration end" : c.calibration_end) +
                (c.currency.empty() ? "" : " (" + c.currency + ")"),
         format_number(value->sum[s.k]));
  if (const auto* alive = find_kpi(s, "p_alive"))
    card(o, "customers still active (expected)",
         format_number(alive->sum[s.k]) + " <span class=\"muted\">" + svg::format_percent(alive->mean[s.k]) + "</span>");
  return o.str();
}

std::string clv_section(const RunSummary& s) {
  if (!s.clv) return {};
  const ClvSummary& c = *s.clv;
  std::ostringstream o;
  o << "<h2 id=\"clv\">Customer lifetime value</h2><p class=\"note\">Per customer, BG/NBD (Fader, Hardie &amp; Lee 2005, "
       "\u201cCounting your customers the easy way\u201d) gives the probability of still being active, P(alive), and the "
       "expected number of purchases in the "
    << escape(c.horizon_text()) << " after the calibration end" << (c.calibration_end.empty() ? "" : " (" + escape(c.calibration_end) + ")");
  if (c.spend)
    o << "; Gamma-Gamma (Fader, Hardie &amp; Lee 2005, \u201cRFM and CLV\u201d) the expected spend per purchase. Their product"
      << (c.discount_rate > 0 ? ", discounted at " + format_number(c.discount_rate) + " per " +
                                    (c.time_unit.empty() ? std::string("time unit") : c.time_unit.substr(0, c.time_unit.size() - 1))
                              : std::string(", undiscounted"))
      << ", is the customer lifetime value (CLV)";
  else
    o << ". The table has no monetary value column, so there is no spend model and no CLV";
  o << ". P(alive) is 1 for a customer without repeat purchases: nothing shows that such a customer has left (the "
       "model's convention), so read their low expected purchases, not their P(alive). Fitted by maximum likelihood on "
    << format_number(static_cast<double>(c.customers_fitted))
    << " customers" << (c.calibration_end.empty() ? "" : " of the calibration period to " + escape(c.calibration_end))
    << "; the segment table above gives each segment's mean figures over its customers.";
  if (c.purchases.excluded > 0)
    o << " " << format_number(static_cast<double>(c.purchases.excluded))
      << " customers whose first purchase came after the calibration end are not in the models and have no CLV.";
  o << "</p>";
  for (const std::string& caveat : {fit_caveat("BG/NBD", c.purchases), c.spend ? fit_caveat("Gamma-Gamma", *c.spend) : std::string()})
    if (!caveat.empty()) o << "<p class=\"note clv-caveat\"><span class=\"badge warn\">fit</span> " << escape(caveat) << "</p>";
  o << "<table id=\"clv-fit-table\"><tr><th class=\"text\">model</th><th class=\"text\">parameters</th>"
       "<th class=\"text\">standard errors</th><th>customers</th><th>log-likelihood</th></tr>";
  parameter_table(o, "BG/NBD", c.purchases);
  if (c.spend) parameter_table(o, "Gamma-Gamma", *c.spend);
  o << "</table>";
  if (c.calibration.empty()) {
    o << "<p class=\"note\">No calibration check: the table has no holdout columns (ingest --calibration-end writes "
         "them when the log runs past the calibration end).</p>";
    return o.str();
  }
  o << "<p class=\"note\">Calibration check (as in the papers' figures): customers grouped by their repeat purchases in "
       "the calibration period; their mean purchases in the holdout that followed, as observed and as BG/NBD predicted "
       "from each customer's calibration history alone. Lines that agree mean the model can be trusted for these "
       "customers.</p>"
    << charts::calibration_chart(c) << "<table id=\"calibration-table\"><tr><th>calibration repeat purchases</th>"
       "<th>customers</th><th>holdout purchases, actual</th><th>predicted</th></tr>";
  for (const auto& b : c.calibration)
    o << "<tr><td>" << escape(b.label) << "</td><td>" << format_number(static_cast<double>(b.customers)) << "</td><td>"
      << format_number(b.actual_mean) << "</td><td>" << format_number(b.predicted_mean) << "</td></tr>";
  o << "</table>";
  return o.str();
}

}  // namespace custseg::report
