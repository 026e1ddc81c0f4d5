// k-means|| over any row source (init.hpp): the pure steps are init_steps.cpp; here are the
// collectives between them and the passes over chunks.
#include <algorithm>
#include <limits>

#include "custseg/kmeans/init.hpp"
#include "custseg/mpi/exact_sum.hpp"
#include "custseg/util/log.hpp"
#include "custseg/util/progress.hpp"
#include "init_steps.hpp"
#include "row_passes.hpp"

namespace custseg::kmeans {

namespace {

using data::FeatureMatrix;
using data::RowSource;

// Per local row: the squared distance to the nearest candidate so far, and which one it is.
struct Nearest {
  std::vector<double> d2;
  std::vector<std::int32_t> candidate;
};

// Collective: the first candidate, the row of smallest keyed hash over all ranks, on every rank.
std::vector<double> first_candidate(const mpi::Communicator& comm, RowSource& source, const detail::GlobalRow& global_row,
                                    std::uint64_t seed) {
  const detail::FirstCandidateKey mine = detail::first_candidate_key(source.rows(), global_row, seed);
  const std::vector<std::uint64_t> bests = comm.allgather(mine.hash);
  const int owner = static_cast<int>(std::min_element(bests.begin(), bests.end()) - bests.begin());
  const std::vector<std::size_t> wanted =
      comm.rank() == owner ? std::vector<std::size_t>{mine.local_row} : std::vector<std::size_t>{};
  const FeatureMatrix got = detail::fetch_rows(comm, source, wanted);
  std::vector<double> first(source.dims(), 0.0);
  if (comm.rank() == owner) first = detail::pack_candidates(got);
  comm.broadcast(first, owner);
  return first;
}

// Collective: merges candidates [first, count) into every row's nearest (the set is global, so
// every rank skips or enters together).
void add_candidates(const mpi::Communicator& comm, RowSource& source, const std::vector<double>& candidates,
                    std::size_t first, std::size_t count, Nearest& nearest) {
  if (count <= first) return;
  detail::for_each_chunk(comm, source, [&](const FeatureMatrix& x, std::size_t begin) {
    detail::add_candidates(x, candidates, first, count, std::span<double>(nearest.d2).subspan(begin, x.rows),
                           std::span<std::int32_t>(nearest.candidate).subspan(begin, x.rows));
  });
}

// Collective: phi, the exact global sum of the rows' squared distances to the candidates.
double global_potential(const mpi::Communicator& comm, std::span<const double> d2, const SumScales& scales) {
  Int128 phi_fixed = 0;
  for (double v : d2) phi_fixed += scales.distance.to_fixed(v);
  mpi::allreduce_sum(comm, std::span(&phi_fixed, 1));
  return scales.distance.to_double(phi_fixed);
}

// Collective: the k centres from the candidates, weighted by how many rows have each as nearest
// (exact integer counts, so the weights do not depend on the split).
std::vector<double> reduce_candidates(const mpi::Communicator& comm, const std::vector<double>& candidates,
                                      std::span<const std::int32_t> nearest, std::size_t d,
                                      const InitOptions& options) {
  const std::size_t m = candidates.size() / d;
  std::vector<std::int64_t> counts(m, 0);
  for (std::int32_t c : nearest) counts[static_cast<std::size_t>(c)] += 1;
  comm.allreduce_sum(counts);
  const std::vector<double> weights(counts.begin(), counts.end());
  return weighted_kmeanspp(candidates, weights, d, options.k, options.seed);
}

}  // namespace

std::vector<double> kmeans_parallel_init(const mpi::Communicator& comm, RowSource& source, const SumScales& scales,
                                         const InitOptions& options, const Logger& log) {
  const Stopwatch clock;
  const std::size_t d = source.dims();
  const detail::GlobalRow global_row = [&](std::size_t i) { return source.global_row(i); };

  std::vector<double> candidates = first_candidate(comm, source, global_row, options.seed);
  Nearest nearest{std::vector<double>(source.rows(), std::numeric_limits<double>::infinity()),
                  std::vector<std::int32_t>(source.rows(), 0)};
  add_candidates(comm, source, candidates, 0, 1, nearest);

  const double l = options.oversampling * static_cast<double>(options.k);
  for (int round = 1; round <= options.rounds; ++round) {
    const double phi = global_potential(comm, nearest.d2, scales);
    if (!(phi > 0.0)) break;  // every row sits on a candidate already
    const std::vector<std::size_t> picked = detail::oversample(nearest.d2, l, phi, options.seed, round, global_row);
    const std::vector<double> gathered =
        comm.allgatherv(detail::pack_candidates(detail::fetch_rows(comm, source, picked)));
    const std::size_t old_count = candidates.size() / d;
    detail::append_candidates(gathered, candidates);
    add_candidates(comm, source, candidates, old_count, candidates.size() / d, nearest);
    // Every round is a pass over the rows: a progress line each (minutes at 1e8 rows).
    const double seconds = clock.seconds();
    std::string left;
    const double remaining = seconds / round * static_cast<double>(options.rounds - round);
    if (round < options.rounds && remaining >= 1) left = ", ~" + format_duration(remaining) + " left";  // no "~0 s"
    log.info("  k-means|| round " + std::to_string(round) + "/" + std::to_string(options.rounds) + ": " +
             std::to_string(candidates.size() / d) + " candidates, " + std::to_string(seconds) + " s" + left);
  }
  return reduce_candidates(comm, candidates, nearest.candidate, d, options);
}

std::vector<double> kmeans_parallel_init(const mpi::Communicator& comm, const FeatureMatrix& x, const SumScales& scales,
                                         const InitOptions& options) {
  data::InMemoryRows source(x);
  return kmeans_parallel_init(comm, source, scales, options, Logger(comm.rank(), Verbosity::quiet));
}

}  // namespace custseg::kmeans
