#include <algorithm>
#include <cmath>
#include <limits>

#include "custseg/compare/compare_result.hpp"

namespace custseg::compare {

namespace {

std::ptrdiff_t index_of(const std::vector<std::int32_t>& ids, std::int32_t id) {
  for (std::size_t i = 0; i < ids.size(); ++i)
    if (ids[i] == id) return static_cast<std::ptrdiff_t>(i);
  return -1;
}

SegmentDrift segment_drift(const io::Model& a, std::size_t ca, const io::Model& b, std::size_t cb, bool same_space) {
  SegmentDrift s;
  s.id = a.segment_ids[ca];
  double sq = 0;
  for (std::size_t j = 0; j < a.d; ++j) {
    s.change.push_back(b.centroids[cb * b.d + j] - a.centroids[ca * a.d + j]);
    // Through the transformed space: f = z_b * scale_b + mean_b, then z in the previous scaling.
    const double f = b.centroids_scaled[cb * b.d + j] * b.scaling.scale[j] + b.scaling.mean[j];
    const double diff = (f - a.scaling.mean[j]) / a.scaling.scale[j] - a.centroids_scaled[ca * a.d + j];
    sq += diff * diff;
  }
  s.distance = same_space ? std::sqrt(sq) : std::numeric_limits<double>::quiet_NaN();
  return s;
}

}  // namespace

// Lists in stable-ID order (the outputs' order), not in either run's k-means index order.
CentroidDrift centroid_drift(const io::Model& a, const io::Model& b) {
  CentroidDrift out;
  for (const std::int32_t id : a.segment_ids)
    if (index_of(b.segment_ids, id) < 0) out.only_previous.push_back(id);
  for (const std::int32_t id : b.segment_ids)
    if (index_of(a.segment_ids, id) < 0) out.only_current.push_back(id);
  std::sort(out.only_previous.begin(), out.only_previous.end());
  std::sort(out.only_current.begin(), out.only_current.end());
  if (a.scaling.names != b.scaling.names) {
    out.note = "centroid drift not computed: the runs have different features (previous: " +
               std::to_string(a.d) + ", current: " + std::to_string(b.d) + " features, or another order)";
    return out;
  }
  out.computable = true;
  out.features = a.scaling.names;
  const bool same_space = a.scaling.kinds == b.scaling.kinds;
  if (!same_space) out.note = "distances not computed: the runs transform some features differently";
  for (std::size_t ca = 0; ca < a.k; ++ca) {
    const auto cb = index_of(b.segment_ids, a.segment_ids[ca]);
    if (cb >= 0) out.segments.push_back(segment_drift(a, ca, b, static_cast<std::size_t>(cb), same_space));
  }
  std::sort(out.segments.begin(), out.segments.end(), [](const SegmentDrift& x, const SegmentDrift& y) { return x.id < y.id; });
  return out;
}

std::int64_t CompareResult::row_total(std::size_t r) const {
  std::int64_t t = 0;
  for (std::size_t c = 0; c < cols(); ++c) t += count(r, c);
  return t;
}

std::int64_t CompareResult::in_both() const {
  std::int64_t t = 0;
  for (std::size_t r = 0; r + 1 < rows(); ++r)
    for (std::size_t c = 0; c + 1 < cols(); ++c) t += count(r, c);
  return t;
}

std::int64_t CompareResult::lost() const {
  std::int64_t t = 0;
  for (std::size_t r = 0; r + 1 < rows(); ++r) t += count(r, cols() - 1);
  return t;
}

std::int64_t CompareResult::fresh() const { return row_total(rows() - 1); }

}  // namespace custseg::compare
