#pragma once
// What segment and sweep both record about a run in its RunSummary (and so in report.json,
// results.h5 and the HTML report): the run's parameters, the data as read and its provenance.
#include <filesystem>
#include <sstream>
#include <string>

#include "custseg/config/choices.hpp"
#include "custseg/config/fit_options.hpp"
#include "custseg/config/options.hpp"
#include "custseg/kmeans/local_step.hpp"
#include "custseg/data/centroid_units.hpp"
#include "custseg/data/prepare.hpp"
#include "custseg/report/run_summary.hpp"
#include "custseg/util/clock.hpp"
#include "custseg/util/number_text.hpp"

namespace custseg::jobs {

// A fingerprint of the features as read: row count, names and their exact means and scales.
// Identical for any rank count; differs when the data a model was fitted on changes.
std::string fingerprint(const data::PreparedData& p);

// The options a model was fitted with, as INI text (results.h5 /model/config): the options that
// shape the model and its reports, with the k it has. Not the output folder: where a model was
// written is no part of it (a resumed or moved run has the same bits). `segment --config` reads it back (the
// command line adds --input/--output to refit on new data).
template <class Config>
std::string options_ini(const Config& cfg, std::size_t k, int restarts) {
  const auto& d = cfg.data;
  const auto& f = cfg.fit;
  const auto& p = cfg.profile;
  std::ostringstream o;
  o << "# effective options of the run that wrote this model (custseg " << CUSTSEG_VERSION << ")\n"
    << "input = " << cfg.input << "\nk = " << k << "\nseed = " << cfg.seed
    << "\nkey = " << d.key << "\nfeatures = " << d.features << "\ntransform = " << d.transform
    << "\nstandardize = " << (d.standardize ? "true" : "false") << "\nnan-policy = " << config::to_string(d.nan_policy)
    << "\nid-column = " << d.id_column << "\nprecision = " << data::to_string(d.precision)
    << "\nn-init = " << restarts << "\nmax-iter = " << f.max_iter << "\ntol = " << number_text(f.tol)
    << "\ninit-rounds = " << f.init_rounds << "\noversampling = " << number_text(f.oversampling)
    << "\nalgorithm = " << kmeans::to_string(f.algorithm) << "\nfewer-distinct = " << kmeans::to_string(f.fewer_distinct)
    << "\nkpi = " << p.kpi << "\nprotected = " << p.protected_columns << "\nmin-segment-size = " << p.min_segment_size
    << "\nfairness-threshold = " << number_text(p.fairness_threshold)
    << "\nsilhouette-sample = " << p.silhouette_sample << "\nthreads = " << cfg.common.threads << "\n";
  // The column only (it decides which customers the model saw); never the key of --pseudonymize-ids.
  if (!cfg.privacy.consent_column.empty()) o << "consent-column = " << cfg.privacy.consent_column << "\n";
  return o.str();
}

// Config: config::SegmentConfig or config::SweepConfig (same member names); `restarts` is the
// job's own count (segment --n-init, sweep --restarts). Call after the k-means, whose centroids
// are converted to original units here.
template <class Config>
void record_run(report::RunSummary& s, const Config& cfg, int restarts, int ranks, const data::PreparedData& prepared) {
  s.input = cfg.input;
  s.output = cfg.output;
  s.seed = cfg.seed;
  s.ranks = ranks;
  s.threads = cfg.common.threads;
  s.n_init = restarts;
  s.max_iter = cfg.fit.max_iter;
  s.tol = cfg.fit.tol;
  s.nan_policy = config::to_string(cfg.data.nan_policy);
  s.min_segment_size = cfg.profile.min_segment_size;
  s.fairness_threshold = cfg.profile.fairness_threshold;
  s.rows_total = prepared.rows_total;
  s.rows_dropped = prepared.rows_dropped;
  s.scaling = prepared.scaling;
  s.custseg_version = CUSTSEG_VERSION;
  s.created_utc = utc_timestamp();
  s.input_fingerprint = fingerprint(prepared);
  std::error_code ec;
  const std::filesystem::path absolute = std::filesystem::absolute(cfg.input, ec);
  s.input_path = ec ? cfg.input : absolute.lexically_normal().string();
  s.input_key = cfg.data.key;
  s.id_column = cfg.data.id_column;
  s.precision = data::to_string(cfg.data.precision);
  s.config_text = options_ini(cfg, s.k, restarts);
  s.centroids_original = data::centroids_to_original_units(prepared.scaling, s.kmeans.centroids);
}

}  // namespace custseg::jobs
