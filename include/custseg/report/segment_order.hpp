#pragma once
// The order every report lists segments in: by stable segment ID (docs/segment-ids.md), not by
// k-means index. After `segment --previous` the IDs are a permutation of the indices plus new
// IDs (e.g. index order 2,4,3,1,5,0); without --previous they are 0..k-1, i.e. index order, so
// outputs of plain runs are unchanged. Reports keep addressing a segment by its index c (counts,
// centroids, colours); only the order rows are emitted in comes from here.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <numeric>
#include <vector>

#include "custseg/report/run_summary.hpp"

namespace custseg::report {

// Indices 0..k-1 sorted by ids[c]. `ids` empty (or of another size) means identity: index order.
inline std::vector<std::size_t> indices_by_id(const std::vector<std::int32_t>& ids, std::size_t k) {
  std::vector<std::size_t> order(k);
  std::iota(order.begin(), order.end(), std::size_t{0});
  if (ids.size() == k)
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return ids[a] < ids[b]; });
  return order;
}

// The run's segment indices in stable-ID order.
inline std::vector<std::size_t> segments_in_id_order(const RunSummary& s) { return indices_by_id(s.segment_ids, s.k); }

}  // namespace custseg::report
