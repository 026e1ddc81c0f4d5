// segment --previous (segment_matching.hpp).
#include "segment_matching.hpp"

#include <cstdio>
#include <cstring>
#include <filesystem>

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


// The same transforms, means and scales to the last bit: the two runs' scaled spaces are one.
bool same_scaling(const data::FeatureScaling& a, const data::FeatureScaling& b) {
  const auto same_bits = [](const std::vector<double>& x, const std::vector<double>& y) {
    return x.size() == y.size() && (x.empty() || std::memcmp(x.data(), y.data(), x.size() * sizeof(double)) == 0);
  };
  return a.names == b.names && a.kinds == b.kinds && same_bits(a.mean, b.mean) && same_bits(a.scale, b.scale);
}

// This run's centroids in the previous model's scaled space. Without a round trip when the
// spaces are the same: f^-1 then f again moves identical centroids ~1e-16 apart, which would
// make --match-threshold 0 refuse every ID on unchanged data.
std::vector<double> centroids_in_previous_space(const Run& r, const io::Model& previous) {
  if (same_scaling(previous.scaling, r.prepared.scaling)) return r.summary.kmeans.centroids;
  const std::vector<double> original = data::centroids_to_original_units(r.prepared.scaling, r.summary.kmeans.centroids);
  return data::centroids_to_scaled_units(previous.scaling, original);
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

void read_previous_model(Run& r) {
  const Stopwatch clock;
  mpi::agree(r.comm, [&] {
    io::Model previous = io::read_model(r.cfg.previous);  // refuses what is not a custseg model or is too new
    if (previous.scaling.names != r.prepared.scaling.names)
      throw_usage("--previous " + r.cfg.previous + " was fitted on features " + joined(previous.scaling.names) +
                  " but this run uses " + joined(r.prepared.scaling.names) +
                  ": segments can only be matched on the same features");
    r.previous = std::move(previous);
  });
  r.log.detail("previous model " + r.cfg.previous + " read (" + std::to_string(r.previous->k) + " segments) in " +
               std::to_string(clock.seconds()) + " s");
}

std::vector<double> warm_start_centroids(const Run& r) {
  const io::Model& previous = r.previous.value();
  // Agreed although every rank holds the same model: the check stays collective-safe if it changes.
  mpi::agree(r.comm, [&] {
    if (previous.k != r.k)
      throw_usage("--warm-start: " + r.cfg.previous + " has " + std::to_string(previous.k) + " segments but --k is " +
                  std::to_string(r.k));
  });
  return data::centroids_to_scaled_units(r.prepared.scaling, previous.centroids);
}

void match_to_previous(Run& r) {
  const io::Model& previous = r.previous.value();
  mpi::agree(r.comm, [&] {
    const std::size_t d = previous.scaling.names.size();
    const std::vector<double> current = centroids_in_previous_space(r, previous);
    stats::SegmentMatching m = stats::match_segments(
        stats::centroid_distances(current, r.k, previous.centroids_scaled, previous.k, d), r.k, previous.segment_ids,
        previous.next_segment_id, r.cfg.match_threshold);
    // Absolute, like the recorded input_path: the report stays meaningful wherever it is read.
    std::error_code ec;
    const std::filesystem::path absolute = std::filesystem::absolute(r.cfg.previous, ec);
    m.previous_path = ec ? r.cfg.previous : absolute.lexically_normal().string();
    r.summary.segment_ids = m.segment_ids;
    r.summary.next_segment_id = m.next_segment_id;
    r.summary.matching = std::move(m);
  });
  log_matching(r, *r.summary.matching);
}

}  // namespace custseg::jobs
