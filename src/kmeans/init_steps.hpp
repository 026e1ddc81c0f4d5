#pragma once
// The pure steps of k-means|| (init.hpp): everything a rank does with its own rows between the
// collectives of kmeans_parallel_init.cpp. No MPI.
#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "custseg/data/feature_matrix.hpp"

namespace custseg::kmeans::detail {

// Global index of local row i: the key of every random choice about it.
using GlobalRow = std::function<std::uint64_t(std::size_t)>;

// The row with the smallest keyed hash is the first candidate: this rank's best (hash, row).
struct FirstCandidateKey {
  std::uint64_t hash = UINT64_MAX;
  std::size_t local_row = 0;
};
FirstCandidateKey first_candidate_key(std::size_t rows, const GlobalRow& global_row, std::uint64_t seed);

// Merges the nearest of candidates [first, count) into (d2, nearest) for every row of x, with
// the rule of a plain loop over candidates in index order: replace only when strictly closer.
void add_candidates(const data::FeatureMatrix& x, const std::vector<double>& candidates, std::size_t first,
                    std::size_t count, std::span<double> d2, std::span<std::int32_t> nearest);

// The local rows picked in `round`, each with probability l * d2 / phi (keyed draw).
std::vector<std::size_t> oversample(std::span<const double> d2, double l, double phi, std::uint64_t seed, int round,
                                    const GlobalRow& global_row);

// Picked rows travel as their d features, row after row; allgatherv concatenates in rank order,
// which is global row order, so every rank appends the same candidates in the same order.
std::vector<double> pack_candidates(const data::FeatureMatrix& picked);
void append_candidates(const std::vector<double>& gathered, std::vector<double>& candidates);

}  // namespace custseg::kmeans::detail
