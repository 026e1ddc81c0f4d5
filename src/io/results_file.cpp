#include "custseg/io/results_file.hpp"

#include "custseg/io/hdf5.hpp"
#include "custseg/io/model_format.hpp"
#include "custseg/io/output_space.hpp"
#include "custseg/mpi/collective_guard.hpp"
#include "custseg/stats/quantiles.hpp"
#include "custseg/util/error.hpp"

namespace custseg::io {

void write_assignments(const mpi::Communicator& comm, const std::string& path, std::uint64_t rows_total,
                       const RowBlock& block, std::span<const std::uint64_t> ids,
                       std::span<const std::int32_t> segments, std::span<const float> distances,
                       bool numeric_ids, std::uint64_t reserve_bytes, const std::vector<NamedColumn>& more_columns) {
  File file = File::create(path, comm);
  try {
    mpi::agree(comm, [&] {
      if (comm.is_root() && reserve_bytes > 0) reserve_space(path, reserve_bytes);
    });
    if (numeric_ids) file.create_dataset("/assignments/customer_id", ColumnType::uint64, {rows_total});
    file.create_dataset("/assignments/segment", ColumnType::int32, {rows_total});
    file.create_dataset("/assignments/distance", ColumnType::float32, {rows_total});
    for (const NamedColumn& c : more_columns) file.create_dataset("/assignments/" + c.name, ColumnType::float64, {rows_total});
    // Each collective write and the close agree on failure (File::close), so every rank is here
    // together when one fails: discard() frees the space and closes collectively.
    if (numeric_ids) file.write_rows<std::uint64_t>("/assignments/customer_id", block, ids);
    file.write_rows<std::int32_t>("/assignments/segment", block, segments);
    file.write_rows<float>("/assignments/distance", block, distances);
    for (const NamedColumn& c : more_columns) file.write_rows<double>("/assignments/" + c.name, block, c.values);
    file.close();
  } catch (...) {
    file.discard();
    throw;
  }
}

void write_text_ids(const mpi::Communicator& comm, const std::string& path, std::uint64_t rows_total,
                    const RowBlock& block, const std::vector<std::string>& ids, const std::string& dataset) {
  mpi::agree(comm, [&] {
    if (comm.is_root()) File::open_serial(path, true).create_vlen_string_dataset(dataset, rows_total);
  });
  for (int turn = 0; turn < comm.size(); ++turn)
    mpi::agree(comm, [&] {
      if (comm.rank() != turn) return;
      File file = File::open_serial(path, true);
      try {
        file.write_vlen_string_rows(dataset, block.begin, ids);
        file.close();
      } catch (...) {
        file.discard();  // a failed close would leave a handle that crashes HDF5 at MPI_Finalize
        throw;
      }
    });
}

namespace {

void write_matrix(const File& f, const std::string& path, const std::vector<double>& values, std::size_t rows,
                  std::size_t cols) {
  f.create_dataset(path, ColumnType::float64, {rows, cols});
  f.write_rows<double>(path, RowBlock{0, rows}, values);
}

void write_vector(const File& f, const std::string& path, const std::vector<double>& values) {
  f.create_dataset(path, ColumnType::float64, {values.size()});
  f.write_rows<double>(path, RowBlock{0, values.size()}, values);
}

// /segments extras from the profiles: exact quantiles [k, d, 5], index and standardized
// difference [k, d], KPI sums/means/shares [k, kpis], names, the substantial flag and quality.
// results.h5 keeps the figures of small segments (it holds per-customer rows anyway); reports
// suppress them.
void write_profiles(const File& f, const report::RunSummary& s) {
  const std::size_t k = s.k, d = s.dims();
  const auto& prof = s.profiles;
  if (prof.features.size() != d) return;
  const std::size_t nq = stats::kProfileProbabilities.size();
  std::vector<double> quantiles(k * d * nq), index(k * d), std_diff(k * d);
  for (std::size_t c = 0; c < k; ++c)
    for (std::size_t j = 0; j < d; ++j) {
      for (std::size_t q = 0; q < nq; ++q) quantiles[(c * d + j) * nq + q] = prof.features[j].quantiles[c][q];
      index[c * d + j] = prof.features[j].index[c];
      std_diff[c * d + j] = prof.features[j].std_diff[c];
    }
  f.create_dataset("/segments/quantiles", ColumnType::float64, {k, d, nq});
  f.write_rows<double>("/segments/quantiles", RowBlock{0, k}, quantiles);
  f.write_attribute("/segments/quantiles", "probabilities", std::string("0.05, 0.25, 0.5, 0.75, 0.95 (numpy linear)"));
  write_matrix(f, "/segments/index", index, k, d);
  write_matrix(f, "/segments/std_diff", std_diff, k, d);
  std::vector<std::int64_t> substantial(k);
  for (std::size_t c = 0; c < k; ++c) substantial[c] = s.substantial(c) ? 1 : 0;
  f.create_dataset("/segments/substantial", ColumnType::int64, {k});
  f.write_rows<std::int64_t>("/segments/substantial", RowBlock{0, k}, substantial);
  f.write_attribute("/segments", "min_segment_size", s.min_segment_size);
  if (prof.names.size() == k) f.write_strings("/segments/names", prof.names);
  if (prof.actions.size() == k) f.write_strings("/segments/actions", prof.actions);
  if (prof.name_sources.size() == k) f.write_strings("/segments/name_source", prof.name_sources);
  if (!prof.kpis.empty()) {
    const std::size_t m = prof.kpis.size();
    std::vector<double> sum(k * m), mean(k * m), share(k * m);
    std::vector<std::string> names;
    for (std::size_t i = 0; i < m; ++i) {
      names.push_back(prof.kpis[i].name);
      for (std::size_t c = 0; c < k; ++c) {
        sum[c * m + i] = prof.kpis[i].sum[c];
        mean[c * m + i] = prof.kpis[i].mean[c];
        share[c * m + i] = prof.kpis[i].share[c];
      }
    }
    f.write_strings("/segments/kpi_names", names);
    write_matrix(f, "/segments/kpi_sum", sum, k, m);
    write_matrix(f, "/segments/kpi_mean", mean, k, m);
    write_matrix(f, "/segments/kpi_share", share, k, m);
  }
  f.write_attribute("/segments", "calinski_harabasz", prof.quality.calinski_harabasz);
  f.write_attribute("/segments", "davies_bouldin", prof.quality.davies_bouldin);
  f.write_attribute("/segments", "silhouette", prof.quality.silhouette);
}

// /segments/segment_id: the stable ID of each k-means index (0..k-1 without --previous).
void write_segment_ids(const File& f, const report::RunSummary& s) {
  std::vector<std::int32_t> ids(s.k);
  for (std::size_t c = 0; c < s.k; ++c) ids[c] = s.segment_id(c);
  f.create_dataset("/segments/segment_id", ColumnType::int32, {s.k});
  f.write_rows<std::int32_t>("/segments/segment_id", RowBlock{0, s.k}, ids);
}

void write_int32(const File& f, const std::string& path, const std::vector<std::int32_t>& values,
                 std::vector<std::uint64_t> dims) {
  f.create_dataset(path, ColumnType::int32, dims);
  if (!values.empty()) f.write_rows<std::int32_t>(path, RowBlock{0, dims[0]}, values);
}

// /matching (segment --previous): the cost matrix, the assignment and the vanished IDs.
void write_matching(const File& f, const stats::SegmentMatching& m) {
  f.create_group("/matching");
  write_matrix(f, "/matching/cost", m.cost, m.k, m.k_previous);
  write_int32(f, "/matching/previous_segment_id", m.previous_ids, {m.k_previous});
  std::vector<std::int32_t> pairs;
  for (const auto& [current, previous] : m.pairs) pairs.insert(pairs.end(), {current, previous});
  write_int32(f, "/matching/pairs", pairs, {m.pairs.size(), 2});
  f.create_dataset("/matching/distance", ColumnType::float64, {m.distance.size()});
  if (!m.distance.empty()) f.write_rows<double>("/matching/distance", RowBlock{0, m.distance.size()}, m.distance);
  write_int32(f, "/matching/vanished", m.vanished, {m.vanished.size()});
  f.write_attribute("/matching", "threshold", m.threshold);
  f.write_attribute("/matching", "previous_path", m.previous_path);
}

// /model: the model a later run applies (read_model, model_file.hpp) and its provenance; the
// root attributes say which layout this is (model_format.hpp, docs/results-format.md).
void write_model(const File& f, const report::RunSummary& s) {
  const std::size_t k = s.k, d = s.dims();
  f.write_attribute("/", "format", std::string(kResultsFormat));
  f.write_attribute("/", "format_version", current_format_version());
  f.create_group("/model/transform");
  write_matrix(f, "/model/centroids", s.centroids_original, k, d);
  write_matrix(f, "/model/centroids_scaled", s.kmeans.centroids, k, d);
  f.write_strings("/model/feature_names", s.scaling.names);
  std::vector<std::string> kinds;
  for (auto kind : s.scaling.kinds) kinds.push_back(data::to_string(kind));
  f.write_strings("/model/transform/kind", kinds);
  write_vector(f, "/model/transform/mean", s.scaling.mean);
  write_vector(f, "/model/transform/scale", s.scaling.scale);
  f.write_attribute("/model", "k", static_cast<std::int64_t>(k));
  f.write_attribute("/model", "seed", static_cast<std::int64_t>(s.seed));
  f.write_attribute("/model", "algorithm", s.kmeans.algorithm.empty() ? std::string("lloyd") : s.kmeans.algorithm);
  f.write_attribute("/model", "iterations", static_cast<std::int64_t>(s.kmeans.iterations));
  f.write_attribute("/model", "inertia", s.kmeans.inertia);
  f.write_attribute("/model", "converged", static_cast<std::int64_t>(s.kmeans.converged));
  f.write_attribute("/model", "n_rows", static_cast<std::int64_t>(s.rows_total));
  f.write_attribute("/model", "n_rows_dropped", static_cast<std::int64_t>(s.rows_dropped));
  f.write_attribute("/model", "n_ranks", static_cast<std::int64_t>(s.ranks));
  f.write_attribute("/model", "input_fingerprint", s.input_fingerprint);
  f.write_attribute("/model", "custseg_version", s.custseg_version);
  f.write_attribute("/model", "created_utc", s.created_utc);
  f.write_attribute("/model", "input_path", s.input_path);
  f.write_attribute("/model", "input_key", s.input_key);
  f.write_attribute("/model", "id_column", s.id_column);
  f.write_attribute("/model", "nan_policy", s.nan_policy);
  f.write_attribute("/model", "precision", s.precision);
  if (!s.scored_with_model.empty()) f.write_attribute("/model", "scored_with_model", s.scored_with_model);
  f.write_strings("/model/config", {s.config_text});
  f.write_attribute("/model", "next_segment_id", s.next_id());
}

}  // namespace

namespace {
void write_model_and_segments_into(File& f, const report::RunSummary& s) {
  const std::size_t k = s.k, d = s.dims();
  write_model(f, s);

  // /segments: per-segment statistics in original units, [k] or [k, d].
  std::vector<double> count(k), share(k), mean(k * d), stdev(k * d), min(k * d), max(k * d);
  for (std::size_t c = 0; c < k; ++c) {
    count[c] = static_cast<double>(s.kmeans.counts[c]);
    share[c] = s.rows_assigned() ? count[c] / static_cast<double>(s.rows_assigned()) : 0.0;
    for (std::size_t j = 0; j < d; ++j) {
      const auto& m = s.moments[j];
      mean[c * d + j] = m.mean[c];
      stdev[c * d + j] = m.std[c];
      min[c * d + j] = m.min[c];
      max[c * d + j] = m.max[c];
    }
  }
  f.create_dataset("/segments/count", ColumnType::int64, {k});
  f.write_rows<std::int64_t>("/segments/count", RowBlock{0, k}, s.kmeans.counts);
  write_vector(f, "/segments/share", share);
  f.write_strings("/segments/feature_names", s.scaling.names);
  write_matrix(f, "/segments/mean", mean, k, d);
  write_matrix(f, "/segments/std", stdev, k, d);
  write_matrix(f, "/segments/min", min, k, d);
  write_matrix(f, "/segments/max", max, k, d);
  write_profiles(f, s);
  write_segment_ids(f, s);
  if (s.matching) write_matching(f, *s.matching);
  f.close();
}
}  // namespace

void write_model_and_segments(const std::string& path, const report::RunSummary& s) {
  File f = File::open_serial(path, /*writable=*/true);
  try {
    write_model_and_segments_into(f, s);
  } catch (...) {
    f.discard();  // a failed close would leave a handle that crashes HDF5 at MPI_Finalize
    throw;
  }
}

}  // namespace custseg::io
