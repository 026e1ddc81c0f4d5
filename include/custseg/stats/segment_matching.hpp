#pragma once
// Stable segment IDs across periods (docs/segment-ids.md). k-means numbers its segments 0..k-1 in
// an arbitrary order that changes with the seed and the data; a segment's stable ID is what an
// analyst tracks from one period to the next. This run's segments are matched to the previous
// run's by a minimum-cost assignment (min_cost_assignment.hpp) on centroid distances measured in
// the previous model's standardized space, so distances are in previous-model standard deviations.
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace custseg::stats {

// How this run's segments were matched to a previous run's; what results.h5 /matching and
// report.json "segment_matching" record.
struct SegmentMatching {
  std::string previous_path;
  double threshold = 1.0;                         // a pair farther apart gets a fresh ID
  std::size_t k = 0, k_previous = 0;
  std::vector<double> cost;                       // k x k_previous Euclidean distances, row-major
  std::vector<std::int32_t> previous_ids;         // [k_previous]: stable ID of previous index
  std::vector<std::pair<std::int32_t, std::int32_t>> pairs;  // (current index, previous index), by current index
  std::vector<double> distance;                   // per pair
  std::vector<std::int32_t> vanished;             // previous IDs not kept, ascending
  std::vector<std::int32_t> segment_ids;          // [k]: the stable ID of each current index
  std::int64_t next_segment_id = 0;               // one more than the largest ID ever issued
  // Whether current index c kept a previous ID.
  [[nodiscard]] bool kept(std::size_t c) const;
};

// Euclidean distances between the rows of `current` (k x d) and `previous` (k_previous x d), both
// in the previous model's scaled space.
std::vector<double> centroid_distances(const std::vector<double>& current, std::size_t k,
                                       const std::vector<double>& previous, std::size_t k_previous, std::size_t d);

// Matches by min_cost_assignment on `cost`; matched pairs with distance <= threshold keep the
// previous ID, every other current segment gets a fresh ID from previous_next_id upwards in index
// order (IDs are never reused). previous_next_id below max(previous_ids) + 1 is raised to it.
SegmentMatching match_segments(std::vector<double> cost, std::size_t k, std::vector<std::int32_t> previous_ids,
                               std::int64_t previous_next_id, double threshold);

}  // namespace custseg::stats
