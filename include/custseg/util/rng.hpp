#pragma once
// Counter-based random numbers: every draw is a pure function of (seed, stream, counter), so a
// row's random choices depend only on its global index, never on which rank holds it or in
// which order rows are visited. This is what makes results identical across rank counts.
#include <cmath>
#include <cstdint>
#include <numbers>

namespace custseg::rng {

// SplitMix64 finaliser (Steele, Lea, Flood 2014): a bijective 64-bit mixer with full avalanche.
constexpr std::uint64_t mix64(std::uint64_t x) noexcept {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// 64 random bits keyed by (seed, stream, counter); streams separate independent uses
// (e.g. k-means|| round r, or one column of generated data).
constexpr std::uint64_t bits(std::uint64_t seed, std::uint64_t stream, std::uint64_t counter) noexcept {
  return mix64(mix64(mix64(seed) ^ (stream * 0xd1b54a32d192ed03ULL)) ^ counter);
}

// Uniform in the open interval (0, 1): 53 random bits, offset by half a step so 0 never occurs.
inline double uniform(std::uint64_t seed, std::uint64_t stream, std::uint64_t counter) noexcept {
  return (static_cast<double>(bits(seed, stream, counter) >> 11) + 0.5) * 0x1.0p-53;
}

// Standard normal by Box-Muller from two keyed uniforms (streams 2s and 2s+1).
inline double normal(std::uint64_t seed, std::uint64_t stream, std::uint64_t counter) noexcept {
  const double u1 = uniform(seed, 2 * stream, counter);
  const double u2 = uniform(seed, 2 * stream + 1, counter);
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
}

}  // namespace custseg::rng
