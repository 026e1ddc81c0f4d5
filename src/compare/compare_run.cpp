#include "custseg/compare/compare_run.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <filesystem>
#include <optional>

#include "custseg/config/privacy_options.hpp"
#include "custseg/io/customer_table.hpp"
#include "custseg/io/model_file.hpp"
#include "custseg/mpi/alltoallv.hpp"
#include "custseg/mpi/collective_guard.hpp"
#include "custseg/mpi/exact_sum.hpp"
#include "custseg/stats/quantiles.hpp"
#include "custseg/util/error.hpp"
#include "period_exchange.hpp"

namespace custseg::compare {

namespace {

constexpr std::array<double, kPsiBins - 1> kDeciles{0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9};

// A run's results.h5 as a model (io::read_model: format version, legacy files, shapes), which
// compare also needs to have per-customer assignments. Serial: a few kilobytes per rank.
io::Model read_run(const std::string& path) {
  io::Model m = io::read_model(path);
  if (m.assignment_rows == 0)
    throw_input(path + " has no per-customer assignments (/assignments/segment): compare needs the results.h5 "
                "of a segment or score run");
  return m;
}

// The table a run segmented: the option, else the run's recorded input path when it exists.
std::string input_for(const std::string& option, const io::Model& m, const char* which, std::vector<std::string>& notes) {
  if (!option.empty()) return option;
  if (m.input_path.empty()) {
    notes.push_back(std::string("no input table for the ") + which + " run (--" + which +
                    "-input not given, no input_path recorded in " + m.path + ")");
    return {};
  }
  if (!std::filesystem::exists(m.input_path)) {
    notes.push_back(std::string("the ") + which + " run's recorded input " + m.input_path + " does not exist");
    return {};
  }
  return m.input_path;
}

// Names in both lists (in the order of the first) that both tables hold as numbers.
std::vector<std::string> shared_columns(const std::vector<std::string>& a, const std::vector<std::string>& b,
                                        const data::InputTable& ta, const data::InputTable& tb) {
  std::vector<std::string> out;
  for (const auto& name : a) {
    const bool in_b = std::find(b.begin(), b.end(), name) != b.end();
    const auto* ca = ta.table.find(name);
    const auto* cb = tb.table.find(name);
    if (in_b && ca && cb && ca->kind == io::ColumnKind::number && cb->kind == io::ColumnKind::number) out.push_back(name);
  }
  return out;
}

// One run's input table, opened collectively; its rows must be the run's rows (checked here, before
// any assignment is read). A table taken from the run's recorded input_path says so when refused.
data::InputTable open_run_table(const mpi::Communicator& comm, const std::string& path, const std::string& option,
                                const std::string& key_option, const io::Model& m, const char* which) {
  data::InputTable table = data::open_input_table(comm, path, key_option.empty() ? m.input_key : key_option, "");
  // A run that left out the customers without consent (--consent-column, recorded in its
  // /model/config) assigned only the others: its table is read through the same view.
  if (const std::string consent = config::consent_column_of(m.config); !consent.empty())
    data::select_consenting_rows(comm, table, consent);
  if (table.table.rows != m.assignment_rows)
    throw_input(path + " has " + std::to_string(table.table.rows) + " rows but " + m.path + " assigns " +
                std::to_string(m.assignment_rows) + ": give the table that run segmented (rows in the same order)" +
                (option.empty() ? std::string("; the path was recorded in the run, --") + which + "-input names another"
                                : std::string()));
  return table;
}

struct Tables {
  std::optional<data::InputTable> previous, current;
  std::vector<std::string> kpis, features;
};

Tables open_tables(const mpi::Communicator& comm, const config::CompareConfig& cfg, CompareResult& r) {
  Tables t;
  r.previous_input = input_for(cfg.previous_input, r.previous, "previous", r.notes);
  r.current_input = input_for(cfg.current_input, r.current, "current", r.notes);
  if (r.previous_input.empty() || r.current_input.empty()) {
    r.notes.push_back("KPI weighting and feature stability (PSI) skipped: they need both input tables");
    return t;
  }
  t.previous = open_run_table(comm, r.previous_input, cfg.previous_input, cfg.previous_key, r.previous, "previous");
  t.current = open_run_table(comm, r.current_input, cfg.current_input, cfg.current_key, r.current, "current");
  t.kpis = shared_columns(r.previous.kpi_names, r.current.kpi_names, *t.previous, *t.current);
  t.features = shared_columns(r.previous.scaling.names, r.current.scaling.names, *t.previous, *t.current);
  if (t.kpis.empty()) r.notes.push_back("no KPI column named by both runs (/segments/kpi_names) and held by both tables");
  if (t.features.empty()) r.notes.push_back("feature stability skipped: no feature shared by both runs and tables");
  return t;
}

// Rows that count for stability: assigned, with a finite value (label 0), others -1.
std::vector<std::int32_t> stability_labels(const PeriodBlock& p, const std::vector<double>& v) {
  std::vector<std::int32_t> labels(v.size());
  for (std::size_t i = 0; i < v.size(); ++i) labels[i] = p.segment[i] >= 0 && std::isfinite(v[i]) ? 0 : -1;
  return labels;
}

// Collective: the previous period's deciles (exact, group_quantiles), then both periods' bin
// counts, summed in one integer reduction per feature.
FeatureStability feature_stability(const mpi::Communicator& comm, const std::string& name, const PeriodBlock& a,
                                   const std::vector<double>& va, const PeriodBlock& b, const std::vector<double>& vb) {
  FeatureStability s;
  s.feature = name;
  const auto la = stability_labels(a, va), lb = stability_labels(b, vb);
  std::vector<double> finite(va.size());
  for (std::size_t i = 0; i < va.size(); ++i) finite[i] = la[i] == 0 ? va[i] : 0.0;
  s.edges = stats::group_quantiles(comm, finite, la, 1, kDeciles)[0];
  std::vector<std::int64_t> counts(2 * kPsiBins, 0);
  for (std::size_t i = 0; i < va.size(); ++i)
    if (la[i] == 0) ++counts[static_cast<std::size_t>(psi_bin(va[i], s.edges))];
  for (std::size_t i = 0; i < vb.size(); ++i)
    if (lb[i] == 0) ++counts[kPsiBins + static_cast<std::size_t>(psi_bin(vb[i], s.edges))];
  comm.allreduce_sum(counts);
  s.previous.assign(counts.begin(), counts.begin() + kPsiBins);
  s.current.assign(counts.begin() + kPsiBins, counts.end());
  s.psi = population_stability(s.previous, s.current);
  return s;
}

// One exact-sum scale per KPI from the largest finite magnitude over both periods' assigned rows.
std::vector<FixedPoint> kpi_scales(const mpi::Communicator& comm, const PeriodBlock& a, const PeriodBlock& b) {
  std::vector<double> largest(a.kpis.size(), 0.0);
  for (const PeriodBlock* p : {&a, &b})
    for (std::size_t m = 0; m < p->kpis.size(); ++m)
      for (std::size_t i = 0; i < p->kpis[m].size(); ++i)
        if (p->segment[i] >= 0 && std::isfinite(p->kpis[m][i])) largest[m] = std::max(largest[m], std::abs(p->kpis[m][i]));
  comm.allreduce_max(largest);
  std::vector<FixedPoint> scales;
  for (const double v : largest) scales.push_back(FixedPoint::for_max_abs(v));
  return scales;
}

// Collective: the smallest repeated id over all ranks (each offers its own), so that the message
// names the same id at any rank count.
std::optional<std::string> smallest_repeat(const mpi::Communicator& comm, const std::optional<std::string>& mine) {
  const auto all = mpi::allgatherv_bytes(comm, mine ? mpi::pack_strings({*mine}) : std::vector<char>{});
  std::optional<std::string> best;
  for (std::size_t rank = 0; rank + 1 < all.offsets.size(); ++rank) {
    const auto size = static_cast<std::size_t>(all.offsets[rank + 1] - all.offsets[rank]);
    if (size == 0) continue;
    const std::string key = mpi::unpack_strings(all.bytes.data() + all.offsets[rank], size).at(0);
    if (!best || id_less(key, *best)) best = key;
  }
  return best;
}

// Collective: joins the rows this rank owns and reduces the matrix (counts and KPI sums).
void join_and_reduce(const mpi::Communicator& comm, PeriodRows& a, PeriodRows& b, const std::vector<FixedPoint>& scales,
                     CompareResult& r, const Pseudonymizer* pseudonyms) {
  std::optional<JoinOutcome> joined;
  mpi::agree(comm, [&] { joined.emplace(join_periods(a, b, r.previous.k, r.current.k, scales)); });
  const auto repeat_previous = smallest_repeat(comm, joined->repeated_previous);
  const auto repeat_current = smallest_repeat(comm, joined->repeated_current);
  // Every rank holds the same ids here: the same error everywhere, without a further agreement.
  for (const auto& [key, m] : {std::pair{repeat_previous, &r.previous}, std::pair{repeat_current, &r.current}})
    if (key)
      throw_input("a customer id appears more than once in " + m->path + " /assignments/customer_id" +
                  (pseudonyms ? " (its pseudonym " + pseudonyms->pseudonym(data::key_text(*key, a.text)) + ")"
                              : std::string(" (--pseudonymize-ids KEYFILE names it by its pseudonym)")) +
                  "; compare needs unique ids");
  Tally& t = joined->tally;
  comm.allreduce_sum(t.counts);  // integers: exact, any order
  mpi::allreduce_sum(comm, t.kpi_sums);
  r.counts = t.counts;
  r.kpi_sums.resize(t.kpi_sums.size());
  for (std::size_t i = 0; i < t.kpi_sums.size(); ++i) r.kpi_sums[i] = scales[i % t.kpis].to_double(t.kpi_sums[i]);
  r.ari = adjusted_rand_index(r.counts, r.previous.k, r.current.k);
}

}  // namespace

CompareResult run_compare(const mpi::Communicator& comm, const config::CompareConfig& cfg, const Logger& log,
                          const Pseudonymizer* pseudonyms) {
  const Stopwatch clock;
  CompareResult r;
  r.n_ranks = comm.size();
  mpi::agree(comm, [&] { r.previous = read_run(cfg.previous); });
  mpi::agree(comm, [&] { r.current = read_run(cfg.current); });
  r.drift = centroid_drift(r.previous, r.current);
  if (!r.drift.note.empty()) r.notes.push_back(r.drift.note);
  Tables t;
  mpi::agree(comm, [&] { t = open_tables(comm, cfg, r); });
  r.kpi_names = t.kpis;
  PeriodBlock a, b;
  mpi::agree(comm, [&] { a = read_period(comm, r.previous, t.previous ? &*t.previous : nullptr, t.kpis); });
  mpi::agree(comm, [&] { b = read_period(comm, r.current, t.current ? &*t.current : nullptr, t.kpis); });
  log.info("read " + std::to_string(r.previous.assignment_rows) + " + " + std::to_string(r.current.assignment_rows) + " assignments");
  mpi::agree(comm, [&] {
    if (a.ids.text != b.ids.text)
      throw_input(std::string("the runs' customer ids are of different types (previous: ") +
                  (a.ids.text ? "strings" : "numbers") + ", current: " + (b.ids.text ? "strings" : "numbers") +
                  "): no customer could be matched");
  });
  r.previous_dropped = comm.sum(a.dropped);
  r.current_dropped = comm.sum(b.dropped);
  for (const auto& name : t.features) {
    std::vector<double> va, vb;
    mpi::agree(comm, [&] {
      va = read_block(comm, r.previous, *t.previous, name);
      vb = read_block(comm, r.current, *t.current, name);
    });
    r.stability.push_back(feature_stability(comm, name, a, va, b, vb));
  }
  log.detail("feature stability (" + std::to_string(t.features.size()) + " features) done");
  const auto scales = kpi_scales(comm, a, b);
  PeriodRows rows_a = exchange_period(comm, a);
  PeriodRows rows_b = exchange_period(comm, b);
  a = {};
  b = {};
  log.detail("exchanged by hash of id: " + std::to_string(rows_a.keys.size()) + " + " +
             std::to_string(rows_b.keys.size()) + " rows on rank 0");
  join_and_reduce(comm, rows_a, rows_b, scales, r, pseudonyms);
  log.detail("joined and reduced");
  const std::vector<double> mine{clock.seconds(), peak_rss_bytes()};
  const auto all = comm.gather(mine, 0);
  for (std::size_t i = 0; i < all.size(); i += 2) {
    r.seconds_per_rank.push_back(all[i]);
    r.peak_rss_per_rank.push_back(all[i + 1]);
  }
  r.wall_seconds = clock.seconds();
  return r;
}

}  // namespace custseg::compare
