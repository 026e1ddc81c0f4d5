#include "custseg/stats/segment_profiles.hpp"

#include "custseg/util/progress.hpp"

#include <algorithm>
#include <limits>
#include <sstream>

#include "custseg/mpi/collective_guard.hpp"
#include "custseg/stats/segment_names.hpp"
#include "custseg/util/error.hpp"

namespace custseg::stats {

std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream stream(text);
  std::string item;
  while (std::getline(stream, item, ',')) {
    const auto b = item.find_first_not_of(" \t");
    if (b == std::string::npos) continue;
    out.push_back(item.substr(b, item.find_last_not_of(" \t") - b + 1));
  }
  return out;
}

namespace {

bool contains(const std::vector<std::string>& v, const std::string& s) { return std::find(v.begin(), v.end(), s) != v.end(); }

std::vector<std::string> resolve_role(const io::File& file, const io::TableInfo& table, const std::string& text,
                                      const std::string& role, const std::string& option) {
  std::vector<std::string> out;
  // A KPI is summed, so it must be numbers (0/1 bools give rates); a protected column may be
  // text, each distinct value a group.
  const bool text_ok = role == "protected";
  if (text.find_first_not_of(" \t,") == std::string::npos) {
    for (const auto& column : table.columns) {
      // The role attribute may be fixed- or variable-length (h5py's default): both are read.
      const auto value = io::column_attribute(file, table, column, "role");
      if (!value.empty() && value[0] == role) {
        table.require(column, role == "kpi" ? "KPI" : role, text_ok);
        out.push_back(column);
      }
    }
    return out;
  }
  if (split_list(text) == std::vector<std::string>{"none"}) return out;
  for (const auto& name : split_list(text)) {
    if (!contains(table.columns, name)) throw_input(option + " column '" + name + "' not found in " + file.path());
    if (contains(out, name)) throw_usage(option + " column '" + name + "' listed twice");
    table.require(name, option.substr(2), text_ok);
    out.push_back(name);
  }
  return out;
}

}  // namespace

ProfileColumns resolve_profile_columns(const io::File& file, const io::TableInfo& table, const std::string& kpi_text,
                                       const std::string& protected_text, const std::vector<std::string>& features,
                                       const std::string& id_column) {
  ProfileColumns c;
  c.kpi = resolve_role(file, table, kpi_text, "kpi", "--kpi");
  c.protected_columns = resolve_role(file, table, protected_text, "protected", "--protected");
  for (const auto& name : c.protected_columns) {
    if (contains(features, name))
      throw_usage("column '" + name + "' is protected and must not be a feature (remove it from --features, or from "
                  "--protected if it is not a protected characteristic)");
    if (contains(c.kpi, name)) throw_usage("column '" + name + "' is listed both as protected and as a KPI");
  }
  if (contains(features, id_column) || contains(c.kpi, id_column) || contains(c.protected_columns, id_column))
    throw_usage("the id column '" + id_column + "' cannot be a feature, KPI or protected column: reports never show customer ids");
  return c;
}

namespace {

// Groups of a protected column: text values as they are, integer codes named by a "categories"
// attribute (fixed- or variable-length strings) or by a pandas categorical's labels, or bands of
// a numeric column.
ProtectedGroups read_protected_groups(const mpi::Communicator& comm, const io::File& file, const io::TableInfo& table,
                                      const std::string& name, const io::RowBlock& block,
                                      std::span<const std::int32_t> block_labels) {
  const io::ColumnInfo* column = table.find(name);
  if (column && column->kind == io::ColumnKind::text) {
    std::vector<std::string> values;
    mpi::agree(comm, [&] { values = io::read_text_column(file, table, name, block); });
    return text_groups(comm, name, values);
  }
  std::vector<std::string> categories;
  std::vector<double> values;
  mpi::agree(comm, [&] { categories = io::column_categories(file, table, name); });
  mpi::agree(comm, [&] { values = io::read_column(file, table, name, block); });
  // pandas codes a missing categorical value as -1: unknown, like NaN, not a bad code.
  if (column && !column->categories.dataset.empty())
    for (double& v : values)
      if (v < 0) v = std::numeric_limits<double>::quiet_NaN();
  return protected_groups(comm, name, values, categories, block_labels);
}

}  // namespace

SegmentProfiles profile_segments(const mpi::Communicator& comm, const io::File& file, const io::TableInfo& table,
                                 const data::PreparedData& prepared, std::span<const std::int32_t> kept_labels,
                                 std::span<const std::int32_t> block_labels, std::size_t k,
                                 const ProfileSettings& settings, const RowSample* sample) {
  SegmentProfiles p;
  auto read = [&](const std::string& name) {
    std::vector<double> column;
    mpi::agree(comm, [&] { column = io::read_column(file, table, name, prepared.block); });
    return column;
  };
  // One pass per column: a progress line with the time left (minutes at 1e8 rows).
  const Logger quiet(comm.rank(), Verbosity::quiet);
  const std::size_t passes =
      prepared.scaling.names.size() + settings.columns.kpi.size() + settings.columns.protected_columns.size();
  Progress progress(settings.log ? *settings.log : quiet, "  statistics", static_cast<double>(passes), "columns");
  std::size_t done = 0;
  for (const auto& name : prepared.scaling.names) {
    p.features.push_back(profile_feature(comm, name, read(name), block_labels, k));
    progress.update(static_cast<double>(++done));
  }
  for (const auto& name : settings.columns.kpi) {
    p.kpis.push_back(kpi_profile(comm, name, read(name), block_labels, k));
    progress.update(static_cast<double>(++done));
  }
  for (const auto& name : settings.columns.protected_columns) {
    ProtectedGroups groups = read_protected_groups(comm, file, table, name, prepared.block, block_labels);
    p.fairness.push_back(
        fairness_audit(comm, name, std::move(groups.labels), groups.codes, block_labels, k, settings.fairness_threshold));
    progress.update(static_cast<double>(++done));
  }
  p.quality = cluster_quality(comm, prepared.x, kept_labels, k);
  if (settings.silhouette_sample > 0) {
    RowSample own;
    if (!sample) own = draw_sample(comm, prepared.x, settings.silhouette_sample, settings.seed);
    const RowSample& s = sample ? *sample : own;
    const std::vector<std::int32_t> sample_labels = gather_sample_labels(comm, s, kept_labels);
    p.quality.silhouette = silhouette(s.values, s.dims, sample_labels, k);
    p.quality.silhouette_sample = s.size();
  }
  p.names = segment_names(p.features, k);
  return p;
}

}  // namespace custseg::stats
