// Reading a results file as a model for compare: checks that it is one, then /model and /segments.
#include <numeric>

#include "custseg/compare/compare_run.hpp"
#include "custseg/util/error.hpp"

namespace custseg::compare {

namespace {

constexpr int kFormatMajor = 1;  // the format_version major this custseg reads

std::string string_attribute(const io::File& f, const std::string& object, const std::string& name) {
  if (!f.has_attribute(object, name)) return {};
  const auto v = f.read_string_attribute(object, name);
  return v.empty() ? std::string() : v.front();
}

void check_results_file(const io::File& f, const std::string& path) {
  const std::string format = string_attribute(f, "/", "format");
  if (format.empty()) {
    // Files from before the format attribute: recognised by what segment always writes.
    for (const char* needed : {"/model/centroids", "/model/centroids_scaled", "/model/feature_names",
                               "/assignments/segment", "/assignments/customer_id"})
      if (!f.exists(needed))
        throw_input(path + " is not a custseg results file (no 'format' attribute and no " + needed +
                    "): give the results.h5 that custseg segment wrote");
    return;
  }
  if (format != "custseg-results")
    throw_input(path + " is not a custseg results file (format '" + format + "', expected 'custseg-results')");
  const std::string version = string_attribute(f, "/", "format_version");
  int major = 0;
  try {
    major = std::stoi(version);
  } catch (const std::exception&) {
    throw_input(path + ": unreadable format_version '" + version + "' (expected MAJOR.MINOR)");
  }
  if (major > kFormatMajor)
    throw_input(path + " has results format " + version + ", newer than this custseg reads (" +
                std::to_string(kFormatMajor) + ".x): use a newer custseg");
}

}  // namespace

ModelView read_model_view(const mpi::Communicator& comm, const std::string& path) {
  const io::File f = io::File::open_read(path, comm);
  check_results_file(f, path);
  ModelView m;
  m.path = path;
  m.feature_names = f.read_strings("/model/feature_names");
  m.d = m.feature_names.size();
  const auto dims = f.dims("/model/centroids");
  if (dims.size() != 2 || dims[1] != m.d) throw_input(path + ": /model/centroids is not [k, features]");
  m.k = dims[0];
  m.centroids = f.read_all<double>("/model/centroids");
  m.centroids_scaled = f.read_all<double>("/model/centroids_scaled");
  m.transform_kinds = f.read_strings("/model/transform/kind");
  m.mean = f.read_all<double>("/model/transform/mean");
  m.scale = f.read_all<double>("/model/transform/scale");
  if (m.centroids_scaled.size() != m.k * m.d || m.mean.size() != m.d || m.scale.size() != m.d)
    throw_input(path + ": /model/centroids_scaled or /model/transform do not match /model/centroids");
  if (f.exists("/segments/segment_id")) {
    const auto ids = f.read_all<std::int32_t>("/segments/segment_id");
    if (ids.size() != m.k) throw_input(path + ": /segments/segment_id has " + std::to_string(ids.size()) +
                                       " entries for " + std::to_string(m.k) + " segments");
    m.segment_ids = ids;
  } else {
    m.segment_ids.resize(m.k);
    std::iota(m.segment_ids.begin(), m.segment_ids.end(), 0);
  }
  if (f.exists("/segments/kpi_names")) m.kpi_names = f.read_strings("/segments/kpi_names");
  m.rows = f.dims("/assignments/segment").at(0);
  m.input_path = string_attribute(f, "/model", "input_path");
  const std::string key = string_attribute(f, "/model", "input_key");
  if (!key.empty()) m.input_key = key;
  return m;
}

}  // namespace custseg::compare
