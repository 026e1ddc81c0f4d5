#pragma once
// segment --previous: the previous period's model and the matching phase (docs/segment-ids.md).
#include <cstdint>
#include <string>
#include <vector>

#include "custseg/data/feature_scaling.hpp"
#include "segment_run.hpp"

namespace custseg::jobs {

// What matching needs from a previous results.h5.
struct PreviousModel {
  data::FeatureScaling scaling;             // names, transforms, mean, scale of the previous fit
  std::size_t k = 0;
  std::vector<double> centroids_scaled;     // k x d, the previous model's standardized space
  std::vector<double> centroids_original;   // k x d, original units (for --warm-start)
  std::vector<std::int32_t> segment_ids;    // /segments/segment_id, or 0..k-1 for older files
  std::int64_t next_segment_id = 0;         // /model next_segment_id, or k for older files
};

// Reads the model part of a results.h5 with io::File (serial). Input errors name the file and
// the object. The one place that reads a previous model: switch it to io::read_model
// (custseg/io/model_file.hpp) once that exists.
PreviousModel read_previous_model(const std::string& path);

// --warm-start: the previous centroids moved into this run's k-means space (agreed; usage error
// when the previous k is not --k or the features differ).
std::vector<double> warm_start_centroids(const Run& r);

// After the fit: matches this run's centroids to the previous model's and fills
// r.summary.segment_ids, next_segment_id and matching; logs one line per segment. Every rank
// computes the same (the file is read by each), so every rank can map its assignments.
void match_to_previous(Run& r);

}  // namespace custseg::jobs
