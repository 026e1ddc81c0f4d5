#pragma once
// What segment and sweep both record about a run in its RunSummary (and so in report.json,
// results.h5 and the HTML report): the run's parameters, the data as read and its provenance.
#include <string>

#include "custseg/config/choices.hpp"
#include "custseg/data/centroid_units.hpp"
#include "custseg/data/prepare.hpp"
#include "custseg/report/run_summary.hpp"
#include "custseg/util/clock.hpp"

namespace custseg::jobs {

// A fingerprint of the features as read: row count, names and their exact means and scales.
// Identical for any rank count; differs when the data a model was fitted on changes.
std::string fingerprint(const data::PreparedData& p);

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
  s.centroids_original = data::centroids_to_original_units(prepared.scaling, s.kmeans.centroids);
}

}  // namespace custseg::jobs
