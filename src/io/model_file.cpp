// read_model (model_file.hpp): results.h5 as a model, checked object by object.
#include "custseg/io/model_file.hpp"

#include <algorithm>
#include <filesystem>

#include "custseg/config/choices.hpp"
#include "custseg/data/transform.hpp"
#include "custseg/io/hdf5.hpp"
#include "custseg/io/model_format.hpp"
#include "custseg/kmeans/checkpoint.hpp"
#include "custseg/util/error.hpp"

namespace custseg::io {

namespace {

std::string string_attr(const File& f, const std::string& obj, const std::string& name, const std::string& fallback) {
  if (!f.has_attribute(obj, name)) return fallback;
  const std::vector<std::string> v = f.read_string_attribute(obj, name);
  return v.empty() ? fallback : v.front();
}

double number_attr(const File& f, const std::string& obj, const std::string& name, double fallback) {
  return f.has_attribute(obj, name) ? f.read_double_attribute(obj, name) : fallback;
}

// A vector dataset of exactly `n` values (a [k, d] matrix: n = k * d with the given dims).
template <class T>
std::vector<T> read_shaped(const File& f, const std::string& dataset, const std::vector<std::uint64_t>& shape) {
  if (!f.is_dataset(dataset)) throw_input(f.path() + ": " + dataset + " is missing (not a complete custseg model)");
  if (f.dims(dataset) != shape) {
    std::string want;
    for (auto n : shape) want += (want.empty() ? "" : ", ") + std::to_string(n);
    throw_input(f.path() + ": " + dataset + " has the wrong shape (expected [" + want + "])");
  }
  return f.read_all<T>(dataset);
}

// The root `format`/`format_version`, or a pre-1.0 file recognised by /model/centroids.
void read_version(const File& f, Model& m) {
  if (f.has_attribute("/", "format")) {
    // A checkpoint's format_version is an integer: name the mix-up before reading it as text.
    if (string_attr(f, "/", "format", "") == kmeans::kCheckpointFormat)
      throw_input(m.path + " is a segment checkpoint, not a results file (resume the run with --resume)");
    check_model_format(string_attr(f, "/", "format", ""), string_attr(f, "/", "format_version", ""), m.path);
    m.format_version = string_attr(f, "/", "format_version", "");
    return;
  }
  if (!f.is_dataset("/model/centroids"))
    throw_input(m.path + " is not a custseg results file (no 'format' attribute and no /model/centroids)");
  m.legacy = true;  // written before the format was versioned: its layout is format 1.0's
  m.format_version = "1.0";
}

void read_scaling(const File& f, Model& m) {
  const std::string names = "/model/feature_names";
  if (!f.is_dataset(names)) throw_input(m.path + ": " + names + " is missing (not a complete custseg model)");
  m.scaling.names = f.read_strings(names);
  m.d = m.scaling.names.size();
  const std::vector<std::uint64_t> dv{m.d};
  const std::vector<std::string> kinds =
      f.is_dataset("/model/transform/kind") ? f.read_strings("/model/transform/kind") : std::vector<std::string>();
  if (kinds.size() != m.d) throw_input(m.path + ": /model/transform/kind must hold one transform per feature");
  for (const auto& kind : kinds) m.scaling.kinds.push_back(data::parse_transform_kind(kind));
  m.scaling.mean = read_shaped<double>(f, "/model/transform/mean", dv);
  m.scaling.scale = read_shaped<double>(f, "/model/transform/scale", dv);
}

void read_centroids_and_ids(const File& f, Model& m) {
  if (!f.is_dataset("/model/centroids")) throw_input(m.path + ": /model/centroids is missing");
  const auto shape = f.dims("/model/centroids");
  if (shape.size() != 2 || shape[1] != m.d || shape[0] == 0)
    throw_input(m.path + ": /model/centroids is not a [k, " + std::to_string(m.d) + "] matrix");
  m.k = shape[0];
  m.centroids = read_shaped<double>(f, "/model/centroids", {m.k, m.d});
  m.centroids_scaled = read_shaped<double>(f, "/model/centroids_scaled", {m.k, m.d});
  if (f.is_dataset("/segments/segment_id")) {
    m.segment_ids = read_shaped<std::int32_t>(f, "/segments/segment_id", {m.k});
  } else {
    m.segment_ids.resize(m.k);
    for (std::size_t c = 0; c < m.k; ++c) m.segment_ids[c] = static_cast<std::int32_t>(c);
  }
  const std::int64_t largest = *std::max_element(m.segment_ids.begin(), m.segment_ids.end());
  m.next_segment_id = static_cast<std::int64_t>(number_attr(f, "/model", "next_segment_id", double(largest + 1)));
}

void read_provenance(const File& f, Model& m) {
  const std::string mo = "/model";
  m.nan_policy = config::parse_nan_policy(string_attr(f, mo, "nan_policy", "fail"));
  m.precision = config::parse_precision(string_attr(f, mo, "precision", "float32"));
  m.id_column = string_attr(f, mo, "id_column", m.id_column);
  m.input_key = string_attr(f, mo, "input_key", m.input_key);
  m.input_path = string_attr(f, mo, "input_path", "");
  m.custseg_version = string_attr(f, mo, "custseg_version", "");
  m.created_utc = string_attr(f, mo, "created_utc", "");
  m.input_fingerprint = string_attr(f, mo, "input_fingerprint", "");
  m.algorithm = string_attr(f, mo, "algorithm", "");
  m.seed = static_cast<std::uint64_t>(number_attr(f, mo, "seed", 0));
  m.iterations = static_cast<std::int64_t>(number_attr(f, mo, "iterations", 0));
  m.converged = number_attr(f, mo, "converged", 0) != 0;
  if (f.is_dataset("/model/config")) {
    const std::vector<std::string> text = f.read_strings("/model/config");
    if (!text.empty()) m.config = text.front();
  }
}

// The per-customer part's extent and the KPI columns the run profiled: not needed to apply the
// model, but what compare joins and weights by (an absent object reads as empty).
void read_results_extent(const File& f, Model& m) {
  if (f.is_dataset("/segments/kpi_names")) m.kpi_names = f.read_strings("/segments/kpi_names");
  if (f.is_dataset("/assignments/segment")) m.assignment_rows = f.dims("/assignments/segment").at(0);
}

// Names, actions and where each name came from, one per segment; a list of another length (or
// none, in files written before labels) reads as empty and the names are generated afresh.
std::vector<std::string> per_segment_strings(const File& f, const std::string& path, std::size_t k) {
  if (!f.is_dataset(path)) return {};
  std::vector<std::string> values = f.read_strings(path);
  return values.size() == k ? values : std::vector<std::string>();
}

void read_names_and_actions(const File& f, Model& m) {
  m.names = per_segment_strings(f, "/segments/names", m.k);
  m.actions = per_segment_strings(f, "/segments/actions", m.k);
  m.name_sources = per_segment_strings(f, "/segments/name_source", m.k);
}

}  // namespace

Model read_model(const std::string& path) {
  Model m;
  m.path = path;
  std::error_code ec;
  const bool regular = std::filesystem::is_regular_file(path, ec);
  // A symlink loop or a path through a file: what stat said, not "not found".
  if (ec && ec != std::errc::no_such_file_or_directory) throw_input("cannot open model " + path + ": " + ec.message());
  if (!regular && std::filesystem::is_directory(path, ec))
    throw_input("model " + path + " is a directory, not a results.h5 file (name RUN/results.h5)");
  if (!regular) throw_input("model " + path + " not found (or not a file)");
  File f = [&] {
    try {
      return File::open_serial(path, false);
    } catch (const Hdf5Error&) {  // not HDF5; a corrupt HDF5 file is reported as such by open_serial
      throw_input(path + " is not a custseg results file (not an HDF5 file)");
    }
  }();
  try {
    read_version(f, m);
    read_scaling(f, m);
    read_centroids_and_ids(f, m);
    read_provenance(f, m);
    read_results_extent(f, m);
    read_names_and_actions(f, m);
  } catch (const Error& e) {
    if (e.code() == ExitCode::input) throw;
    throw_input(path + ": " + e.what());  // an unknown transform, policy or precision name
  }
  return m;
}

}  // namespace custseg::io
