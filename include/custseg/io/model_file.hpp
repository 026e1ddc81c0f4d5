#pragma once
// Reading a results.h5 as a model: what `custseg score` applies to new customers and what
// `segment --init` starts from. The layout is documented in docs/results-format.md; the version
// rule in model_format.hpp. Serial (one process reads a few kilobytes); call it inside
// mpi::agree so a failure on one rank fails every rank.
#include <cstdint>
#include <string>
#include <vector>

#include "custseg/data/feature_matrix.hpp"
#include "custseg/data/feature_scaling.hpp"
#include "custseg/data/prepare_options.hpp"

namespace custseg::io {

struct Model {
  std::string path;            // as given
  std::string format_version;  // "1.0"; "1.0" too for a file written before versioning (legacy)
  bool legacy = false;         // no `format` attribute: written by custseg before format 1.0
  std::size_t k = 0, d = 0;
  data::FeatureScaling scaling;            // names, transforms, mean, scale: scaled = (f(x) - mean) / scale
  std::vector<double> centroids_scaled;    // k * d, the space k-means ran in (what assignment uses)
  std::vector<double> centroids;           // k * d, original units
  std::vector<std::int32_t> segment_ids;   // k: /segments/segment_id, or 0..k-1 when absent
  std::int64_t next_segment_id = 0;        // /model@next_segment_id, or max(segment_ids) + 1
  data::NanPolicy nan_policy = data::NanPolicy::fail;
  data::Precision precision = data::Precision::float32;
  std::string id_column = "customer_id", input_key = "customers";
  // Provenance (empty when the file predates it).
  std::string input_path, config, custseg_version, created_utc, input_fingerprint, algorithm;
  std::uint64_t seed = 0;
  std::int64_t iterations = 0;
  bool converged = false;
  // What a results file holds beside the model (compare reads both runs' assignments and KPIs).
  std::vector<std::string> kpi_names;  // /segments/kpi_names (empty when absent)
  std::uint64_t assignment_rows = 0;   // length of /assignments/segment (0 when the file has none)
  // Per segment (k each, or empty when absent): /segments/names, /segments/actions and
  // /segments/name_source ("generated" or "labels file"); score carries them over.
  std::vector<std::string> names, actions, name_sources;
};

// Input errors (exit 3) naming `path`: not an HDF5 file, not a custseg results file (a segment
// checkpoint.h5 is named as one, with the hint to --resume), a newer
// major format version, missing or mis-shaped datasets, an unknown transform/policy/precision.
Model read_model(const std::string& path);

}  // namespace custseg::io
