#pragma once
// segment --previous: the previous period's model and the matching phase (docs/segment-ids.md).
#include <cstdint>
#include <string>
#include <vector>

#include "segment_run.hpp"

namespace custseg::jobs {

// --warm-start: the previous centroids moved into this run's k-means space (agreed; usage error
// when the previous k is not --k or the features differ).
std::vector<double> warm_start_centroids(const Run& r);

// After the fit: matches this run's centroids to the previous model's and fills
// r.summary.segment_ids, next_segment_id and matching; logs one line per segment. Every rank
// computes the same (the file is read by each), so every rank can map its assignments.
void match_to_previous(Run& r);

}  // namespace custseg::jobs
