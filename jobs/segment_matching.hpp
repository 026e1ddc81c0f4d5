#pragma once
// segment --previous: the previous period's model and the matching phase (docs/segment-ids.md).
#include <cstdint>
#include <string>
#include <vector>

#include "segment_run.hpp"

namespace custseg::jobs {

// --previous, right after read+prepare and before k-means (a wrong path, another model's
// features, a checkpoint or a report must not cost a whole fit, nor leave a fitted checkpoint):
// reads the model into r.previous on every rank (agreed). Input error when it is not a custseg
// results file, usage error when its features are not this run's.
void read_previous_model(Run& r);

// --warm-start: the previous centroids moved into this run's k-means space (agreed; usage error
// when the previous k is not --k or the features differ).
std::vector<double> warm_start_centroids(const Run& r);

// After the fit: matches this run's centroids to r.previous's and fills r.summary.segment_ids,
// next_segment_id and matching; logs one line per segment. Every rank computes the same (each
// read the file), so every rank can map its assignments. When this run's scaling equals the
// previous model's bit for bit, distances are measured on the scaled centroids as they are
// (identical centroids at distance exactly 0); otherwise through original units.
void match_to_previous(Run& r);

}  // namespace custseg::jobs
