#include "custseg/data/prepare.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "custseg/data/scaling_fit.hpp"
#include "custseg/data/synthetic.hpp"
#include "custseg/ingest/table_columns.hpp"
#include "custseg/mpi/collective_guard.hpp"
#include "custseg/util/error.hpp"

namespace custseg::data {

namespace {

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : ", ") + s;
  return out;
}

// Transforms in place and marks rows whose value (raw or transformed) is not usable: not finite,
// or beyond kMaxFeatureMagnitude (transform.hpp). Under policy fail, throws for the first such
// row of this rank (the guard reports the lowest rank's, which is the globally first bad row).
std::vector<std::uint8_t> transform_and_validate(FeatureMatrix& m, const std::vector<std::string>& names,
                                                 const std::vector<TransformKind>& kinds, NanPolicy policy,
                                                 std::uint64_t& dropped,
                                                 const char* hint = "use --nan-policy drop to drop such rows") {
  std::vector<std::uint8_t> kept(m.rows, 1);
  dropped = 0;
  for (std::size_t i = 0; i < m.rows; ++i) {
    double* row = m.row(i);
    for (std::size_t j = 0; j < m.dims; ++j) {
      const double raw = row[j];
      row[j] = apply_transform(kinds[j], raw);
      if (usable_value(raw, row[j])) continue;
      if (policy == NanPolicy::fail)
        throw_input(unusable_value_message(names[j], raw, kinds[j], row[j], m.global_row(i)) +
                    "; nan-policy is fail (" + hint + ")");
      if (kept[i]) ++dropped;
      kept[i] = 0;
    }
  }
  return kept;
}

void compact(FeatureMatrix& m, const std::vector<std::uint8_t>& kept) {
  std::size_t out = 0;
  m.global_rows.clear();
  for (std::size_t i = 0; i < m.rows; ++i) {
    if (!kept[i]) continue;
    if (out != i) std::copy_n(m.row(i), m.dims, m.row(out));
    m.global_rows.push_back(m.global_begin + i);
    ++out;
  }
  m.rows = out;
  m.values.resize(out * m.dims);
  m.values.shrink_to_fit();
}

}  // namespace

std::vector<std::string> select_features(const std::string& requested, const io::TableInfo& table,
                                         const std::string& file_path) {
  auto present = [&](const std::string& name) {
    return std::find(table.columns.begin(), table.columns.end(), name) != table.columns.end();
  };
  std::vector<std::string> names;
  if (requested.find_first_not_of(" \t,") == std::string::npos) {
    for (const auto& name : behavioural_columns())
      if (present(name)) names.push_back(name);
    if (names.empty())
      throw_input(file_path + " has none of the default behavioural columns; name the features with --features "
                  "(available: " + join(table.columns) + ")");
    for (const auto& name : names) table.require(name, "feature");
    return names;
  }
  std::stringstream stream(requested);
  std::string item;
  while (std::getline(stream, item, ',')) {
    const auto b = item.find_first_not_of(" \t");
    if (b == std::string::npos) continue;
    item = item.substr(b, item.find_last_not_of(" \t") - b + 1);
    // Header names as written, their escaped link names, or a unique case-insensitive match
    // (ingest keeps the source's names; see docs/input-csv.md).
    const auto resolved = ingest::resolve_column_name(table.columns, item);
    if (!resolved) {
      if (const auto several = ingest::case_insensitive_matches(table.columns, item); several.size() > 1)
        throw_usage("column '" + item + "' is ambiguous in " + file_path + ": it matches " + join(several) +
                    " ignoring case; write the name exactly");
      throw_input("column '" + item + "' not found in " + file_path + " (available: " + join(table.columns) + ")");
    }
    item = *resolved;
    if (std::find(names.begin(), names.end(), item) != names.end()) throw_usage("feature '" + item + "' listed twice");
    // Only selected columns are judged: text, bool or 2-D columns nobody asked for stay unread.
    table.require(item, "feature");
    names.push_back(item);
  }
  return names;
}

PreparedData prepare_features(const mpi::Communicator& comm, const io::File& file, const io::TableInfo& table,
                              const PrepareOptions& options) {
  PreparedData p;
  std::vector<std::string> names;
  std::vector<TransformKind> kinds;
  mpi::agree(comm, [&] {
    names = select_features(options.features, table, file.path());
    kinds = parse_transform_list(options.transform, names);
  });
  p.rows_total = table.rows;
  p.block = io::block_for_rank(table.rows, comm.rank(), comm.size());
  mpi::agree(comm, [&] { p.x = io::read_features(file, table, names, p.block); });

  std::uint64_t dropped_here = 0;
  mpi::agree(comm, [&] { p.kept = transform_and_validate(p.x, names, kinds, options.nan_policy, dropped_here); });
  p.rows_dropped = comm.sum(dropped_here);
  if (p.rows_dropped > 0) {
    compact(p.x, p.kept);
  } else {
    p.kept.clear();
  }
  p.scaling = fit_scaling(comm, p.x, names, kinds);
  if (!options.standardize) p.mean_variance = center_only(p.scaling);
  standardize(p.scaling, p.x);
  mpi::agree(comm, [&] { check_kmeans_range(p.x, names, options.precision); });
  p.x.store_as(options.precision);  // k-means input; the statistics pass re-reads columns from the file
  return p;
}

PreparedData prepare_with_scaling(const mpi::Communicator& comm, const io::File& file, const io::TableInfo& table,
                                  const FeatureScaling& scaling, NanPolicy nan_policy, Precision precision) {
  PreparedData p;
  p.rows_total = table.rows;
  p.block = io::block_for_rank(table.rows, comm.rank(), comm.size());
  mpi::agree(comm, [&] {
    for (const auto& name : scaling.names) table.require(name, "feature");
    p.x = io::read_features(file, table, scaling.names, p.block);
  });
  std::uint64_t dropped_here = 0;
  mpi::agree(comm, [&] {
    p.kept = transform_and_validate(p.x, scaling.names, scaling.kinds, nan_policy, dropped_here,
                                    "the model's policy: clean the input, or refit with --nan-policy drop");
  });
  p.rows_dropped = comm.sum(dropped_here);
  if (p.rows_dropped > 0) compact(p.x, p.kept);
  else p.kept.clear();
  // The given mean and scale, not this table's: the same standardize() as the fit's data went
  // through, so a row gets the bits it had in training.
  p.scaling = scaling;
  standardize(p.scaling, p.x);
  mpi::agree(comm, [&] { check_kmeans_range(p.x, scaling.names, precision); });
  p.x.store_as(precision);
  return p;
}

void require_usable_rows(const PreparedData& p, std::uint64_t k, const std::string& file) {
  const std::uint64_t usable = p.rows_total - p.rows_dropped;
  if (p.rows_total > 0 && usable == 0)
    throw_input("all " + std::to_string(p.rows_total) + " rows of " + file + " have NaN/Inf (or a magnitude above " +
                "1e120) in a feature under --nan-policy drop; nothing is left to segment (check the features with "
                "--features, or clean the input)");
  if (k > usable)
    throw_input("k = " + std::to_string(k) + " exceeds the number of usable rows (" + std::to_string(usable) + " of " +
                std::to_string(p.rows_total) + ", " + std::to_string(p.rows_dropped) + " dropped for NaN/Inf)");
}

}  // namespace custseg::data
