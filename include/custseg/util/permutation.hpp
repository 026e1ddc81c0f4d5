#pragma once
// A keyed pseudo-random permutation of [0, n) with random access: position i maps to perm(i)
// without computing the others, so every rank can place its own rows of a shuffled table. A
// 4-round Feistel network (Luby-Rackoff) on the smallest domain of 2^(2h) >= n values, with cycle
// walking back into [0, n) (Black and Rogaway, "Ciphers with arbitrary finite domains", 2002):
// a bijection for any n, expected fewer than 4 network evaluations per index.
#include <cstdint>

#include "custseg/util/rng.hpp"

namespace custseg::rng {

class Permutation {
 public:
  Permutation(std::uint64_t seed, std::uint64_t stream, std::uint64_t n) : seed_(seed), stream_(stream), n_(n) {
    while (half_ < 32 && (std::uint64_t{1} << (2 * half_)) < n) ++half_;
    mask_ = (std::uint64_t{1} << half_) - 1;
  }
  [[nodiscard]] std::uint64_t size() const noexcept { return n_; }
  // i < size(); the image is < size() and distinct for distinct i.
  [[nodiscard]] std::uint64_t operator()(std::uint64_t i) const noexcept {
    do i = network(i);
    while (i >= n_);
    return i;
  }

 private:
  [[nodiscard]] std::uint64_t network(std::uint64_t x) const noexcept {
    std::uint64_t left = x >> half_, right = x & mask_;
    for (std::uint64_t round = 0; round < 4; ++round) {
      const std::uint64_t f = bits(seed_, stream_, (round << 56) | right) & mask_;
      const std::uint64_t next = left ^ f;
      left = right;
      right = next;
    }
    return (left << half_) | right;
  }
  std::uint64_t seed_, stream_, n_;
  unsigned half_ = 0;
  std::uint64_t mask_ = 0;
};

}  // namespace custseg::rng
