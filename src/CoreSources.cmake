# The sources of custseg_local, the MPI-free core (CMakeLists.txt). A file belongs here when it
# does only local work: no collective, no parallel I/O. Everything else under src/ builds into
# custseg_lib. A file listed here that includes <mpi.h> or <hdf5.h> (directly or through a
# header) fails to compile: move the collective part out, or the plain data into a *_types.hpp.
set(_src ${CMAKE_SOURCE_DIR}/src)
set(CUSTSEG_CORE_SOURCES
  # option parsing into plain config structs
  ${_src}/config/choices.cpp
  ${_src}/config/clv_config.cpp
  ${_src}/config/compare_config.cpp
  ${_src}/config/data_options.cpp
  ${_src}/config/export_options.cpp
  ${_src}/config/fit_options.cpp
  ${_src}/config/generate_config.cpp
  ${_src}/config/k_values.cpp
  ${_src}/config/options.cpp
  ${_src}/config/privacy_options.cpp
  ${_src}/config/profile_options.cpp
  ${_src}/config/score_config.cpp
  ${_src}/config/segment_config.cpp
  ${_src}/config/sweep_config.cpp
  # customer lifetime value (issue 14): BG/NBD and gamma-gamma terms, L-BFGS over a callback
  ${_src}/clv/bgnbd.cpp
  ${_src}/clv/gamma_gamma.cpp
  ${_src}/clv/maximize.cpp
  ${_src}/clv/predictions.cpp
  # compare: the local join of two periods, ARI, PSI, centroid drift
  ${_src}/compare/drift.cpp
  ${_src}/compare/migration.cpp
  # customer id checks, synthetic rows (a pure function of seed and global row), per-feature transforms and scaling
  ${_src}/data/customer_ids.cpp
  ${_src}/data/synthetic.cpp
  ${_src}/data/transaction_log.cpp
  ${_src}/data/streaming_plan.cpp
  ${_src}/data/transform.cpp
  # CSV parsing, value conversion, per-customer aggregation, the quality report
  ${_src}/ingest/byte_ranges.cpp
  ${_src}/ingest/csv.cpp
  ${_src}/ingest/ingest_config.cpp
  ${_src}/ingest/quality_report.cpp
  ${_src}/ingest/row_digest.cpp
  ${_src}/ingest/table_columns.cpp
  ${_src}/ingest/transactions.cpp
  ${_src}/ingest/values.cpp
  # row partitioning, output paths, the names pandas pickles into HDF5 attributes
  ${_src}/io/model_format.cpp
  ${_src}/io/output_dir.cpp
  ${_src}/io/output_lock.cpp
  ${_src}/io/output_space.cpp
  ${_src}/io/partial_file.cpp
  ${_src}/io/pandas_pickle.cpp
  ${_src}/io/partition.cpp
  ${_src}/io/row_selection.cpp
  # k-means local steps and kernels
  ${_src}/kmeans/blocked_assign.cpp
  ${_src}/kmeans/cluster_sums.cpp
  ${_src}/kmeans/gemm_argmin.cpp
  ${_src}/kmeans/hamerly_step.cpp
  ${_src}/kmeans/init_steps.cpp
  ${_src}/kmeans/lloyd_step.cpp
  ${_src}/kmeans/local_step.cpp
  ${_src}/kmeans/reseed_steps.cpp
  ${_src}/kmeans/weighted_kmeanspp.cpp
  ${_src}/kmeans/yinyang_step.cpp
  # local parts of the statistics: histogram selection of exact quantiles, silhouette and ARI on a
  # sample, fairness tallies, profile differences, k selection, segment names, segment matching across
  # periods (Hungarian assignment)
  ${_src}/stats/fairness_tally.cpp
  ${_src}/stats/k_selection.cpp
  ${_src}/stats/min_cost_assignment.cpp
  ${_src}/stats/profile_differences.cpp
  ${_src}/stats/quantile_selection.cpp
  ${_src}/stats/sample_metrics.cpp
  ${_src}/stats/segment_matching.cpp
  ${_src}/stats/segment_names.cpp
  ${_src}/stats/segment_labels.cpp
  ${_src}/stats/profile_request.cpp
  ${_src}/stats/rfm_segment_map.cpp
  # report renderers (plain data in, text out)
  ${_src}/report/assignments_csv.cpp
  ${_src}/report/charts.cpp
  ${_src}/report/clv_html.cpp
  ${_src}/report/clv_json.cpp
  ${_src}/report/compare_html.cpp
  ${_src}/report/compare_reports.cpp
  ${_src}/report/html_report.cpp
  ${_src}/report/label_caveats.cpp
  ${_src}/report/svg.cpp
  ${_src}/report/sweep_reports.cpp
  ${_src}/report/text_reports.cpp
  # exact sums, sizes, clocks, logging, id pseudonyms (HMAC-SHA256, OpenSSL)
  ${_src}/util/available_memory.cpp
  ${_src}/util/byte_size.cpp
  ${_src}/util/clock.cpp
  ${_src}/util/fixed_point.cpp
  ${_src}/util/log.cpp
  ${_src}/util/number_text.cpp
  ${_src}/util/progress.cpp
  ${_src}/util/pseudonymize.cpp
  ${_src}/util/stop_signal.cpp
)
