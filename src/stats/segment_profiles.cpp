#include "custseg/stats/segment_profiles.hpp"

#include "custseg/util/progress.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>

#include "custseg/mpi/collective_guard.hpp"
#include "custseg/stats/segment_names.hpp"
#include "custseg/util/error.hpp"

namespace custseg::stats {


namespace {

bool contains(const std::vector<std::string>& v, const std::string& s) { return std::find(v.begin(), v.end(), s) != v.end(); }

std::vector<std::string> resolve_role(const io::File& file, const io::TableInfo& table, const std::string& text,
                                      const std::string& role, const std::string& option) {
  std::vector<std::string> out;
  // A KPI is summed, so it must be numbers (0/1 bools give rates); a protected column may be
  // text, each distinct value a group.
  const bool text_ok = role == "protected" || role == "profile";
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


ProfileColumns resolve_profile_columns(const io::File& file, const io::TableInfo& table, const ProfileRequest& request,
                                       const std::vector<std::string>& features, const std::string& id_column) {
  ProfileColumns c;
  c.kpi = resolve_role(file, table, request.kpi, "kpi", "--kpi");
  c.protected_columns = resolve_role(file, table, request.protected_columns, "protected", "--protected");
  for (const auto& name : c.protected_columns) {
    if (contains(features, name))
      throw_usage("column '" + name + "' is protected and must not be a feature (remove it from --features, or from "
                  "--protected if it is not a protected characteristic)");
    if (contains(c.kpi, name)) throw_usage("column '" + name + "' is listed both as protected and as a KPI");
  }
  // --profile has no role attribute: empty means none.
  if (request.profile.find_first_not_of(" \t,") != std::string::npos && split_list(request.profile) != std::vector<std::string>{"none"})
    c.profile = resolve_role(file, table, request.profile, "profile", "--profile");
  for (const auto& name : c.profile) {
    if (contains(features, name))
      throw_usage("column '" + name + "' is a --profile column and a feature: a profile column is shown per segment, "
                  "never clustered on (remove it from one of the two)");
    if (contains(c.kpi, name) || contains(c.protected_columns, name)) {
      // Say where the other role came from: an option the user typed, or the column's own
      // role attribute (which the user may never have seen).
      const bool kpi = contains(c.kpi, name);
      const std::string option = kpi ? "--kpi" : "--protected";
      const bool listed = contains(split_list(kpi ? request.kpi : request.protected_columns), name);
      throw_usage("column '" + name + "' is listed in --profile but is already " + (kpi ? "a KPI" : "a protected column") +
                  (listed ? " (by " + option + ")"
                          : " (by its role attribute in " + file.path() + "; " + option + " LIST or " + option +
                                " none overrides the attribute)") +
                  "; a column is shown in one role only");
    }
  }
  c.bands = parse_bands(request.bands);
  for (const auto& [name, cuts] : c.bands) {
    if (!contains(c.profile, name) && !contains(c.protected_columns, name))
      throw_usage("--bands names '" + name + "', which is neither a --profile nor a --protected column");
    const io::ColumnInfo* column = table.find(name);
    if (column && (column->kind == io::ColumnKind::text || !column->categories.dataset.empty() ||
                   !io::column_categories(file, table, name).empty()))
      throw_usage("--bands '" + name + "': the column holds categories, not numbers to band");
  }
  if (contains(features, id_column) || contains(c.kpi, id_column) || contains(c.protected_columns, id_column) ||
      contains(c.profile, id_column))
    throw_usage("the id column '" + id_column + "' cannot be a feature, KPI, protected or profile column: reports never "
                "show customer ids");
  return c;
}

std::vector<std::string> categorical_features(const io::File& file, const io::TableInfo& table,
                                              const std::vector<std::string>& features) {
  std::vector<std::string> out;
  for (const auto& name : features) {
    const io::ColumnInfo* column = table.find(name);
    if ((column && !column->categories.dataset.empty()) || !io::column_categories(file, table, name).empty())
      out.push_back(name);
  }
  return out;
}

std::string categorical_feature_warning(const std::string& column) {
  return "warning: feature '" + column + "' is an integer-coded categorical (it has category labels): k-means treats "
         "its codes as distances, which mean nothing; drop it from --features and use --profile " + column +
         " to see its mix per segment";
}

namespace {

// Groups of a protected or --profile column: text values as they are, integer codes named by a "categories"
// attribute (fixed- or variable-length strings) or by a pandas categorical's labels, or bands of
// a numeric column (the declared --bands when `cuts` is set, else quartiles).
ProtectedGroups read_column_groups(const mpi::Communicator& comm, const io::File& file, const io::TableInfo& table,
                                      const std::string& name, const io::RowBlock& block,
                                      std::span<const std::int32_t> block_labels, const std::vector<double>* cuts) {
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
  if (cuts) return banded_groups(name, values, *cuts);
  // pandas codes a missing categorical value as -1: unknown, like NaN, not a bad code.
  if (column && !column->categories.dataset.empty())
    for (double& v : values)
      if (v < 0) v = std::numeric_limits<double>::quiet_NaN();
  return protected_groups(comm, name, values, categories, block_labels);
}

const std::vector<double>* declared_bands(const ProfileColumns& columns, const std::string& name) {
  const auto it = columns.bands.find(name);
  return it == columns.bands.end() ? nullptr : &it->second;
}

std::string first_or_empty(const std::vector<std::string>& v) { return v.empty() ? std::string() : v[0]; }

// The column's label, unit and higher_is attributes; an input error for a higher_is other than
// good or bad, an empty one included (a typo would silently colour a report the wrong way round),
// and for any of them given as an array of strings.
ColumnMeta read_column_meta(const io::File& file, const io::TableInfo& table, const std::string& name) {
  // Each is one string: an array (h5py writes a list as one) would leave the report guessing.
  auto one = [&](const char* attribute) {
    const auto v = io::column_attribute(file, table, name, attribute);
    if (v.size() > 1)
      throw_input(file.path() + ": column '" + name + "' has a " + attribute + " attribute of " + std::to_string(v.size()) +
                  " strings; it must be one string");
    return v;
  };
  const auto higher_is = one("higher_is");
  ColumnMeta m{first_or_empty(one("label")), first_or_empty(one("unit")), first_or_empty(higher_is)};
  if (!higher_is.empty() && m.higher_is != "good" && m.higher_is != "bad")
    throw_input(file.path() + ": column '" + name + "' has higher_is = '" + m.higher_is +
                "'; it must be 'good' or 'bad' (or absent)");
  return m;
}

// Category mix of a --profile column: the audit's tally without the audit's judgement.
CategoryMix category_mix(const mpi::Communicator& comm, const std::string& name, ProtectedGroups groups,
                         std::span<const std::int32_t> block_labels, std::size_t k) {
  FairnessAudit tally = fairness_audit(comm, name, std::move(groups.labels), groups.codes, block_labels, k, 1.0);
  return {name, std::move(tally.groups), std::move(tally.population), std::move(tally.counts)};
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
  const std::size_t passes = prepared.scaling.names.size() + settings.columns.kpi.size() +
                             settings.columns.protected_columns.size() + settings.columns.profile.size();
  Progress progress(settings.log ? *settings.log : quiet, "  statistics", static_cast<double>(passes), "columns");
  std::size_t done = 0;
  for (const auto& name : prepared.scaling.names) {
    p.features.push_back(profile_feature(comm, name, read(name), block_labels, k));
    mpi::agree(comm, [&] { p.features.back().meta = read_column_meta(file, table, name); });
    progress.update(static_cast<double>(++done));
  }
  for (const auto& name : settings.columns.kpi) {
    p.kpis.push_back(kpi_profile(comm, name, read(name), block_labels, k));
    mpi::agree(comm, [&] { p.kpis.back().meta = read_column_meta(file, table, name); });
    progress.update(static_cast<double>(++done));
  }
  for (const auto& name : settings.columns.protected_columns) {
    ProtectedGroups groups = read_column_groups(comm, file, table, name, prepared.block, block_labels,
                                                   declared_bands(settings.columns, name));
    p.fairness.push_back(
        fairness_audit(comm, name, std::move(groups.labels), groups.codes, block_labels, k, settings.fairness_threshold));
    progress.update(static_cast<double>(++done));
  }
  for (const auto& name : settings.columns.profile) {
    ProtectedGroups groups = read_column_groups(comm, file, table, name, prepared.block, block_labels,
                                                   declared_bands(settings.columns, name));
    p.mixes.push_back(category_mix(comm, name, std::move(groups), block_labels, k));
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
