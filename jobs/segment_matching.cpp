// segment --previous (segment_matching.hpp).
#include "segment_matching.hpp"

#include <cstdio>

#include "custseg/data/centroid_units.hpp"
#include "custseg/data/transform.hpp"
#include "custseg/io/model_file.hpp"
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


// The previous model (io::read_model refuses what is not a custseg model or is too new), on the
// same features as this run.
io::Model read_matching_model(const Run& r) {
  io::Model previous = io::read_model(r.cfg.previous);
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
    const io::Model previous = read_matching_model(r);
    if (previous.k != r.k)
      throw_usage("--warm-start: " + r.cfg.previous + " has " + std::to_string(previous.k) + " segments but --k is " +
                  std::to_string(r.k));
    initial = data::centroids_to_scaled_units(r.prepared.scaling, previous.centroids);
  });
  return initial;
}

void match_to_previous(Run& r) {
  mpi::agree(r.comm, [&] {
    const io::Model previous = read_matching_model(r);
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
