#include "custseg/stats/segment_matching.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "custseg/stats/min_cost_assignment.hpp"

namespace custseg::stats {

bool SegmentMatching::kept(std::size_t c) const {
  for (std::size_t p = 0; p < pairs.size(); ++p)
    if (static_cast<std::size_t>(pairs[p].first) == c)
      return segment_ids[c] == previous_ids[static_cast<std::size_t>(pairs[p].second)];
  return false;
}

std::vector<double> centroid_distances(const std::vector<double>& current, std::size_t k,
                                       const std::vector<double>& previous, std::size_t k_previous, std::size_t d) {
  if (current.size() != k * d || previous.size() != k_previous * d)
    throw std::invalid_argument("centroid_distances: matrices do not match k x d");
  std::vector<double> out(k * k_previous);
  for (std::size_t i = 0; i < k; ++i)
    for (std::size_t j = 0; j < k_previous; ++j) {
      double sum = 0.0;
      for (std::size_t f = 0; f < d; ++f) {
        const double diff = current[i * d + f] - previous[j * d + f];
        sum += diff * diff;
      }
      out[i * k_previous + j] = std::sqrt(sum);
    }
  return out;
}

SegmentMatching match_segments(std::vector<double> cost, std::size_t k, std::vector<std::int32_t> previous_ids,
                               std::int64_t previous_next_id, double threshold) {
  SegmentMatching m;
  m.k = k;
  m.k_previous = previous_ids.size();
  m.threshold = threshold;
  m.cost = std::move(cost);
  m.previous_ids = std::move(previous_ids);
  const std::vector<int> match = min_cost_assignment(m.cost, m.k, m.k_previous);
  std::int64_t next = previous_next_id;
  for (const std::int32_t id : m.previous_ids) next = std::max<std::int64_t>(next, std::int64_t{id} + 1);
  m.segment_ids.assign(k, -1);
  std::vector<char> previous_kept(m.k_previous, 0);
  for (std::size_t c = 0; c < k; ++c) {
    if (match[c] < 0) continue;
    const auto j = static_cast<std::size_t>(match[c]);
    const double dist = m.cost[c * m.k_previous + j];
    m.pairs.emplace_back(static_cast<std::int32_t>(c), match[c]);
    m.distance.push_back(dist);
    if (dist <= threshold) {
      m.segment_ids[c] = m.previous_ids[j];
      previous_kept[j] = 1;
    }
  }
  for (std::size_t c = 0; c < k; ++c)
    if (m.segment_ids[c] < 0) m.segment_ids[c] = static_cast<std::int32_t>(next++);
  m.next_segment_id = next;
  for (std::size_t j = 0; j < m.k_previous; ++j)
    if (!previous_kept[j]) m.vanished.push_back(m.previous_ids[j]);
  std::sort(m.vanished.begin(), m.vanished.end());
  return m;
}

}  // namespace custseg::stats
