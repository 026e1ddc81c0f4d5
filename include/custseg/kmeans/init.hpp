#pragma once
// k-means|| initialisation (Bahmani, Moseley, Vattani, Kumar, Vassilvitskii, VLDB 2012).
//
// A few rounds over the distributed data each pick every row independently with probability
// min(1, l * d^2(x, C) / phi), where the uniform draw is keyed by (seed, round, global row), so the
// candidates do not depend on the number of ranks. The candidates, weighted by how many rows are
// nearest to each, are then reduced to k centres on every rank by the same serial weighted
// k-means++ and a few weighted Lloyd steps (identical input -> identical output everywhere).
#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "custseg/data/feature_matrix.hpp"
#include "custseg/kmeans/cluster_sums.hpp"
#include "custseg/mpi/communicator.hpp"

namespace custseg::kmeans {

struct InitOptions {
  std::size_t k = 8;
  std::uint64_t seed = 1;
  int rounds = 5;             // oversampling rounds
  double oversampling = 2.0;  // l = oversampling * k expected candidates per round
};

// Serial and pure: k centres from weighted candidates (k-means++ then up to `refine` weighted
// Lloyd steps). candidates: m * d row-major; weights: m.
std::vector<double> weighted_kmeanspp(const std::vector<double>& candidates, const std::vector<double>& weights,
                                      std::size_t d, std::size_t k, std::uint64_t seed, int refine = 20);

// Collective: every rank returns the same k * d centres.
std::vector<double> kmeans_parallel_init(const mpi::Communicator& comm, const data::FeatureMatrix& x,
                                         const SumScales& scales, const InitOptions& options);

// ---- Steps of k-means||, shared by kmeans_parallel_init and the streamed initialisation
// (streaming_fit.cpp), so both make the same decisions from the same per-row values. ----

// Global index of local row i: the key of every random choice about it.
using GlobalRow = std::function<std::uint64_t(std::size_t)>;

// The first candidate: the row with the smallest keyed hash, found without gathering rows.
struct FirstCandidate {
  int owner = 0;               // the rank holding it
  std::size_t local_row = 0;   // its local row on the owner
};
// Collective.
FirstCandidate first_candidate(const mpi::Communicator& comm, std::size_t rows, const GlobalRow& global_row,
                               std::uint64_t seed);

// Pure. Merges the nearest of candidates [first, count) into (d2, nearest) for every row of x,
// with the rule of a plain loop over candidates in index order: replace only when strictly closer.
void add_candidates(const data::FeatureMatrix& x, const std::vector<double>& candidates, std::size_t first,
                    std::size_t count, std::span<double> d2, std::span<std::int32_t> nearest);

// Collective: phi, the exact global sum of the rows' squared distances to the candidates.
double global_potential(const mpi::Communicator& comm, std::span<const double> d2, const SumScales& scales);

// Pure: the local rows picked in `round`, each with probability l * d2 / phi (keyed draw).
std::vector<std::size_t> oversample(std::span<const double> d2, double l, double phi, std::uint64_t seed, int round,
                                    const GlobalRow& global_row);

// Appends the gathered rows (global index, then d features, per row) to the candidate set.
void append_gathered(const std::vector<double>& gathered, std::size_t d, std::vector<double>& candidates);

// Collective: the k centres from the candidates, weighted by how many rows have each as nearest.
std::vector<double> reduce_candidates(const mpi::Communicator& comm, const std::vector<double>& candidates,
                                      std::span<const std::int32_t> nearest, std::size_t d,
                                      const InitOptions& options);

}  // namespace custseg::kmeans
