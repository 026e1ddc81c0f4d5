#include "init_steps.hpp"

#include <algorithm>

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include "custseg/kmeans/blocked_assign.hpp"
#include "custseg/util/rng.hpp"
#include "custseg/util/rng_streams.hpp"

namespace custseg::kmeans::detail {

namespace {

// The blocked kernel returns the lowest-index direct-formula minimiser of the new candidates,
// which is exactly the candidate a plain loop over them in index order would keep.
template <class T>
void add_candidates_rows(const T* rows, std::size_t n, std::size_t d, const std::vector<double>& candidates,
                         std::size_t first, std::size_t count, double* d2, std::int32_t* nearest) {
  if (count <= first || n == 0) return;
  const std::vector<double> fresh(candidates.begin() + static_cast<std::ptrdiff_t>(first * d),
                                  candidates.begin() + static_cast<std::ptrdiff_t>(count * d));
  const CentroidPanel<T> panel(fresh, count - first, d);
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, n, kLloydTaskRows), [&](const tbb::blocked_range<std::size_t>& r) {
    TileWorkspace<T> ws;
    std::int32_t label[kTileRows];
    double dist[kTileRows];
    for (std::size_t b = r.begin(); b < r.end(); b += kTileRows) {
      const std::size_t m = std::min(kTileRows, r.end() - b);
      assign_tile(rows + b * d, m, panel, ws, label, dist, nullptr);
      for (std::size_t i = 0; i < m; ++i)
        if (dist[i] < d2[b + i]) {
          d2[b + i] = dist[i];
          nearest[b + i] = static_cast<std::int32_t>(first) + label[i];
        }
    }
  });
}

}  // namespace

FirstCandidateKey first_candidate_key(std::size_t rows, const GlobalRow& global_row, std::uint64_t seed) {
  FirstCandidateKey best;
  for (std::size_t i = 0; i < rows; ++i) {
    const std::uint64_t h = rng::bits(seed, rng::streams::kFirstCandidate, global_row(i));
    if (h < best.hash) best = FirstCandidateKey{h, i};
  }
  return best;
}

void add_candidates(const data::FeatureMatrix& x, const std::vector<double>& candidates, std::size_t first,
                    std::size_t count, std::span<double> d2, std::span<std::int32_t> nearest) {
  data::visit_rows(x, [&](const auto* rows) {
    add_candidates_rows(rows, x.rows, x.dims, candidates, first, count, d2.data(), nearest.data());
  });
}

std::vector<std::size_t> oversample(std::span<const double> d2, double l, double phi, std::uint64_t seed, int round,
                                    const GlobalRow& global_row) {
  std::vector<std::size_t> picked;
  const std::uint64_t stream = rng::streams::kOversampleRoundFirst + static_cast<std::uint64_t>(round);
  for (std::size_t i = 0; i < d2.size(); ++i) {
    const double p = l * d2[i] / phi;
    if (rng::uniform(seed, stream, global_row(i)) < p) picked.push_back(i);
  }
  return picked;
}

std::vector<double> pack_candidates(const data::FeatureMatrix& picked) {
  std::vector<double> out;
  out.reserve(picked.rows * picked.dims);
  data::visit_rows(picked, [&](const auto* rows) { out.insert(out.end(), rows, rows + picked.rows * picked.dims); });
  return out;
}

void append_candidates(const std::vector<double>& gathered, std::vector<double>& candidates) {
  candidates.insert(candidates.end(), gathered.begin(), gathered.end());
}

}  // namespace custseg::kmeans::detail
