// segment --previous (segment_matching.hpp).
#include "segment_matching.hpp"

#include <cstdio>
#include <numeric>

#include "custseg/data/centroid_units.hpp"
#include "custseg/data/transform.hpp"
#include "custseg/io/hdf5.hpp"
#include "custseg/mpi/collective_guard.hpp"
#include "custseg/stats/segment_matching.hpp"
#include "custseg/util/error.hpp"

namespace custseg::jobs {

namespace {

std::string joined(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return "[" + out + "]";
}

// Refuses a file of a newer major format version (format_version "MAJOR.MINOR", from 1.0 on).
void check_format(const io::File& f, const std::string& path) {
  if (!f.exists("/model/centroids_scaled") || !f.exists("/model/transform/mean"))
    throw_input(path + " is not a custseg results file (no /model/centroids_scaled or /model/transform)");
  if (!f.has_attribute("/", "format_version")) return;
  const auto version = f.read_string_attribute("/", "format_version");
  if (!version.empty() && std::atoi(version[0].c_str()) > 1)
    throw_input(path + " has results format " + version[0] + ", newer than this custseg reads (1.x)");
}

}  // namespace

PreviousModel read_previous_model(const std::string& path) {
  io::File f = io::File::open_serial(path, false);
  check_format(f, path);
  PreviousModel m;
  const auto dims = f.dims("/model/centroids_scaled");
  if (dims.size() != 2) throw_input(path + ": /model/centroids_scaled is not a [k, d] matrix");
  m.k = dims[0];
  m.scaling.names = f.read_strings("/model/feature_names");
  for (const auto& kind : f.read_strings("/model/transform/kind")) m.scaling.kinds.push_back(data::parse_transform_kind(kind));
  m.scaling.mean = f.read_all<double>("/model/transform/mean");
  m.scaling.scale = f.read_all<double>("/model/transform/scale");
  m.centroids_scaled = f.read_all<double>("/model/centroids_scaled");
  m.centroids_original = f.read_all<double>("/model/centroids");
  const std::size_t d = m.scaling.names.size();
  if (dims[1] != d || m.scaling.kinds.size() != d || m.scaling.mean.size() != d || m.scaling.scale.size() != d ||
      m.centroids_original.size() != m.k * d)
    throw_input(path + ": /model datasets disagree on the number of features");
  if (f.exists("/segments/segment_id")) {
    m.segment_ids = f.read_all<std::int32_t>("/segments/segment_id");
    if (m.segment_ids.size() != m.k) throw_input(path + ": /segments/segment_id does not have k entries");
  } else {
    m.segment_ids.resize(m.k);
    std::iota(m.segment_ids.begin(), m.segment_ids.end(), 0);
  }
  m.next_segment_id = f.has_attribute("/model", "next_segment_id")
                          ? static_cast<std::int64_t>(f.read_double_attribute("/model", "next_segment_id"))
                          : static_cast<std::int64_t>(m.k);
  return m;
}

namespace {

PreviousModel read_matching_model(const Run& r) {
  PreviousModel previous = read_previous_model(r.cfg.previous);
  if (previous.scaling.names != r.prepared.scaling.names)
    throw_usage("--previous " + r.cfg.previous + " was fitted on features " + joined(previous.scaling.names) +
                " but this run uses " + joined(r.prepared.scaling.names) + ": segments can only be matched on the same features");
  return previous;
}

void log_matching(const Run& r, const stats::SegmentMatching& m) {
  char buf[200];
  r.log.info("segment IDs matched to " + m.previous_path + " (threshold " + std::to_string(m.threshold) +
             " previous-model standard deviations):");
  for (std::size_t c = 0; c < m.k; ++c) {
    std::string line;
    for (std::size_t p = 0; p < m.pairs.size(); ++p) {
      if (static_cast<std::size_t>(m.pairs[p].first) != c) continue;
      const std::int32_t prev = m.previous_ids[static_cast<std::size_t>(m.pairs[p].second)];
      std::snprintf(buf, sizeof buf, "%s previous segment %d at distance %.4g", m.kept(c) ? "kept ID of" : "new ID: nearest match",
                    prev, m.distance[p]);
      line = buf;
    }
    if (line.empty()) line = "new ID: no previous segment left to match";
    r.log.info("  segment " + std::to_string(m.segment_ids[c]) + " (k-means index " + std::to_string(c) + "): " + line);
  }
  std::string vanished;
  for (const std::int32_t id : m.vanished) vanished += (vanished.empty() ? "" : ", ") + std::to_string(id);
  r.log.info("  vanished previous segments: " + (vanished.empty() ? std::string("none") : vanished));
}

}  // namespace

std::vector<double> warm_start_centroids(const Run& r) {
  std::vector<double> initial;
  mpi::agree(r.comm, [&] {
    const PreviousModel previous = read_matching_model(r);
    if (previous.k != r.k)
      throw_usage("--warm-start: " + r.cfg.previous + " has " + std::to_string(previous.k) + " segments but --k is " +
                  std::to_string(r.k));
    initial = data::centroids_to_scaled_units(r.prepared.scaling, previous.centroids_original);
  });
  return initial;
}

void match_to_previous(Run& r) {
  mpi::agree(r.comm, [&] {
    const PreviousModel previous = read_matching_model(r);
    const std::size_t d = previous.scaling.names.size();
    // This run's centroids in original units, then in the previous model's standardized space.
    const std::vector<double> original = data::centroids_to_original_units(r.prepared.scaling, r.summary.kmeans.centroids);
    const std::vector<double> current = data::centroids_to_scaled_units(previous.scaling, original);
    stats::SegmentMatching m = stats::match_segments(
        stats::centroid_distances(current, r.k, previous.centroids_scaled, previous.k, d), r.k, previous.segment_ids,
        previous.next_segment_id, r.cfg.match_threshold);
    m.previous_path = r.cfg.previous;
    r.summary.segment_ids = m.segment_ids;
    r.summary.next_segment_id = m.next_segment_id;
    r.summary.matching = std::move(m);
  });
  log_matching(r, *r.summary.matching);
}

}  // namespace custseg::jobs
