#pragma once
// Constructors of the concrete local steps (local_step.hpp); make_local_step picks one.
#include <memory>

#include "custseg/kmeans/local_step.hpp"

namespace custseg::kmeans {

// A bound-based step runs a full blocked pass (which also refreshes every bound) instead of a
// sparse one when more than this fraction of the rows is expected to fail its bounds: a sparse
// pass reads the failing rows scattered, at about three full-pass rows' cost each.
inline constexpr double kDenseFraction = 0.2;

std::unique_ptr<LocalStep> make_lloyd_step(const data::FeatureMatrix& x, std::size_t k, const SumScales& scales);
// Hamerly (2010): one upper and one lower bound per row; best at low d and small k.
// dense_above: predicted fraction of failing rows above which a pass is a full blocked pass;
// tests pass 2 to exercise the sparse path at every iteration.
std::unique_ptr<LocalStep> make_hamerly_step(const data::FeatureMatrix& x, std::size_t k, const SumScales& scales,
                                             double dense_above = kDenseFraction);
// Yinyang (Ding et al., ICML 2015): one lower bound per group of centroids; for larger k.
std::unique_ptr<LocalStep> make_yinyang_step(const data::FeatureMatrix& x, std::size_t k, const SumScales& scales,
                                             double dense_above = kDenseFraction);

// Groups for Yinyang: at most max_groups groups of centroids, by a few deterministic Lloyd steps
// on the centroids themselves (every rank computes the same grouping from the same input).
std::vector<std::uint32_t> group_centroids(const std::vector<double>& centroids, std::size_t k, std::size_t d,
                                           std::size_t groups);

}  // namespace custseg::kmeans
