#include <algorithm>
#include <cmath>
#include <limits>

#include "custseg/kmeans/assign.hpp"
#include "custseg/kmeans/init.hpp"
#include "custseg/util/rng.hpp"
#include "custseg/util/rng_streams.hpp"

namespace custseg::kmeans {

namespace {
// Index drawn with probability proportional to mass[i]; the first positive entry if u lands
// past the end through rounding. Returns m if all mass is zero.
std::size_t draw_proportional(const std::vector<double>& mass, double u) {
  double total = 0.0;
  for (double w : mass) total += w;
  if (!(total > 0.0)) return mass.size();
  double target = u * total, running = 0.0;
  std::size_t last_positive = mass.size();
  for (std::size_t i = 0; i < mass.size(); ++i) {
    if (mass[i] <= 0.0) continue;
    last_positive = i;
    running += mass[i];
    if (target < running) return i;
  }
  return last_positive;
}
}  // namespace

// Greedy k-means++ (Arthur & Vassilvitskii 2007, section 6; scikit-learn's _kmeans_plusplus): each
// centre after the first is the best of 2 + floor(ln k) draws, the one that leaves the lowest
// weighted potential sum_i w_i min(D(i)^2, |x_i - x_j|^2). Plain k-means++ keeps the first draw;
// the greedy choice costs trials x m x d per centre on the few thousand candidates of k-means||
// and closes most of the inertia gap to scikit-learn's seeding (issue 15).
std::size_t greedy_trials(std::size_t k) {
  return 2 + static_cast<std::size_t>(std::floor(std::log(static_cast<double>(std::max<std::size_t>(k, 1)))));
}

std::vector<double> weighted_kmeanspp(const std::vector<double>& candidates, const std::vector<double>& weights,
                                      std::size_t d, std::size_t k, std::uint64_t seed, int refine) {
  const std::size_t m = weights.size();
  std::vector<double> centres;
  centres.reserve(k * d);
  std::vector<double> nearest2(m, std::numeric_limits<double>::infinity());
  std::vector<char> chosen(m, 0);
  std::vector<double> mass(m), trial2(m), best2(m);
  const std::size_t trials = greedy_trials(k);

  for (std::size_t c = 0; c < k && m > 0; ++c) {
    for (std::size_t i = 0; i < m; ++i) mass[i] = c == 0 ? weights[i] : weights[i] * nearest2[i];
    std::size_t pick = m;
    double best_potential = std::numeric_limits<double>::infinity();
    // The first centre is one weighted draw; later ones the best of `trials` draws (ties: the first).
    for (std::size_t t = 0; t < (c == 0 ? 1 : trials); ++t) {
      const std::size_t drawn = draw_proportional(mass, rng::uniform(seed, rng::streams::kKMeansPlusPlusFirst + c, t));
      if (drawn == m) break;  // no mass left: every candidate coincides with a centre
      const double* p = candidates.data() + drawn * d;
      double potential = 0.0;
      for (std::size_t i = 0; i < m; ++i) {
        trial2[i] = std::min(nearest2[i], squared_distance(candidates.data() + i * d, p, d));
        potential += weights[i] * trial2[i];
      }
      if (potential < best_potential) {
        best_potential = potential;
        pick = drawn;
        best2.swap(trial2);
      }
    }
    if (pick == m) {
      // Every candidate coincides with a centre already (fewer distinct points than k): take the
      // first unchosen one, or repeat the first; the driver's empty-cluster rule handles the rest.
      pick = 0;
      for (std::size_t i = 0; i < m; ++i)
        if (!chosen[i]) { pick = i; break; }
      const double* p = candidates.data() + pick * d;
      for (std::size_t i = 0; i < m; ++i) best2[i] = std::min(nearest2[i], squared_distance(candidates.data() + i * d, p, d));
    }
    chosen[pick] = 1;
    const double* p = candidates.data() + pick * d;
    centres.insert(centres.end(), p, p + d);
    nearest2.swap(best2);
  }

  // Weighted Lloyd on the candidates: cheap (m is about rounds * l) and improves the start.
  std::vector<double> sums(k * d);
  std::vector<double> mass_per_centre(k);
  for (int it = 0; it < refine; ++it) {
    std::fill(sums.begin(), sums.end(), 0.0);
    std::fill(mass_per_centre.begin(), mass_per_centre.end(), 0.0);
    for (std::size_t i = 0; i < m; ++i) {
      const Nearest n = nearest_centroid(candidates.data() + i * d, centres.data(), k, d);
      const auto c = static_cast<std::size_t>(n.label);
      mass_per_centre[c] += weights[i];
      for (std::size_t j = 0; j < d; ++j) sums[c * d + j] += weights[i] * candidates[i * d + j];
    }
    bool moved = false;
    for (std::size_t c = 0; c < k; ++c) {
      if (mass_per_centre[c] <= 0.0) continue;
      for (std::size_t j = 0; j < d; ++j) {
        const double updated = sums[c * d + j] / mass_per_centre[c];
        moved = moved || updated != centres[c * d + j];
        centres[c * d + j] = updated;
      }
    }
    if (!moved) break;
  }
  return centres;
}

}  // namespace custseg::kmeans
