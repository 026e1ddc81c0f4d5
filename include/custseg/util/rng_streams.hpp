#pragma once
// Every stream id of the counter-based generator (rng.hpp), in one place. A draw is a pure
// function of (seed, stream, counter), so these numbers are part of the reproducibility
// contract: results of a given seed depend on them.
//
// Rule: add, never renumber or reuse. A new use of randomness gets a new id that collides with
// no range below; changing an existing id changes every result made with it.
#include <cstdint>

namespace custseg::rng::streams {

// ---- keyed by the user's --seed ----
// Restart r of a fit: run seed = bits(seed, kRestartSeed, r).
inline constexpr std::uint64_t kRestartSeed = 0xabc;
// sweep: restart r for k: bits(seed, kSweepRestartFirst + k, r), i.e. the streams k = 1, 2, ...
// (historical: the stream is k itself; ids 1..0xabb are taken by it).
inline constexpr std::uint64_t kSweepRestartFirst = 0;
// The silhouette / quality row sample, counter = global row.
inline constexpr std::uint64_t kQualitySample = 0x5a4d'91e5;

// ---- keyed by a restart's run seed (k-means|| and k-means++, init.hpp) ----
// First k-means|| candidate: the row with the smallest bits(run seed, kFirstCandidate, global row).
inline constexpr std::uint64_t kFirstCandidate = 0;
// k-means|| oversampling round r (1..rounds): uniform(run seed, kOversampleRoundFirst + r, global row).
inline constexpr std::uint64_t kOversampleRoundFirst = 0;
// Weighted greedy k-means++, draw t of centre c: uniform(run seed, kKMeansPlusPlusFirst + c, t).
inline constexpr std::uint64_t kKMeansPlusPlusFirst = 0x5eed;

// ---- generate (synthetic.cpp; counter = global row) ----
// Column streams 1..13 (archetype, behavioural columns, demographics, churn, noise), 111 (the
// gender coin: kGender + 100), 64 + c for engagement column c. Normal draws use 2s and 2s+1.
inline constexpr std::uint64_t kSyntheticEngagementFirst = 64;
// generate --period 2 (synthetic.cpp; keyed by --seed, counter = period-1 row unless said):
// which period-1 customers are lost (a permutation of the period-1 rows, util/permutation.hpp),
// the row order of period 2 (a permutation of its rows), who lapses, who ramps up, and the
// behaviour noise of kept customers (normal draws: uniform streams 2s, 2s+1 of these).
inline constexpr std::uint64_t kPeriodLostOrder = 0x9e01;
inline constexpr std::uint64_t kPeriodRowOrder = 0x9e02;
inline constexpr std::uint64_t kPeriodLapse = 0x9e03;
inline constexpr std::uint64_t kPeriodRampUp = 0x9e04;
inline constexpr std::uint64_t kPeriodNoiseFirst = 0x9e10;  // + 0 basket, 1 discount, 2 web, 3 email, 4 revenue

// ---- generate --transactions (transaction_log.cpp) ----
// A customer's key: bits(seed, kTransactionLogCustomer, customer index); its draws are
// uniform(key, s, n) for the sub-streams s = 1 (traits), 2 (purchase times), 3 (purchase values).
inline constexpr std::uint64_t kTransactionLogCustomer = 0x7c1e;

// ---- bench (keyed by the benchmark's --seed; counter = row or centre coordinate) ----
inline constexpr std::uint64_t kBenchMixtureComponent = 999;
inline constexpr std::uint64_t kBenchMixtureCentre = 1000;
// Coordinate j of a bench row: uniforms from streams 2j+1 and 2j+2.
inline constexpr std::uint64_t kBenchCoordinateFirst = 1;

}  // namespace custseg::rng::streams
