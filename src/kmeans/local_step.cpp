#include <algorithm>

#include "custseg/kmeans/bound_steps.hpp"
#include "custseg/kmeans/lloyd_step.hpp"
#include "custseg/util/error.hpp"

namespace custseg::kmeans {

namespace {

class LloydStep final : public LocalStep {
 public:
  LloydStep(const data::FeatureMatrix& x, std::size_t k, const SumScales& scales) : x_(x), k_(k), scales_(scales) {}
  ClusterSums run(const std::vector<double>& centroids, std::span<std::int32_t> labels) override {
    return lloyd_local_step(x_, centroids, k_, scales_, labels, std::span<float>{});
  }
  [[nodiscard]] std::size_t rows_searched() const override { return x_.rows; }

 private:
  const data::FeatureMatrix& x_;
  std::size_t k_;
  SumScales scales_;
};

}  // namespace

std::unique_ptr<LocalStep> make_lloyd_step(const data::FeatureMatrix& x, std::size_t k, const SumScales& scales) {
  return std::make_unique<LloydStep>(x, k, scales);
}

Algorithm parse_algorithm(const std::string& name) {
  if (name == "lloyd") return Algorithm::lloyd;
  if (name == "hamerly") return Algorithm::hamerly;
  if (name == "yinyang") return Algorithm::yinyang;
  if (name == "auto") return Algorithm::automatic;
  throw_usage("--algorithm must be lloyd, hamerly, yinyang or auto (got '" + name + "')");
}

std::string to_string(Algorithm a) {
  switch (a) {
    case Algorithm::lloyd: return "lloyd";
    case Algorithm::hamerly: return "hamerly";
    case Algorithm::yinyang: return "yinyang";
    case Algorithm::automatic: return "auto";
  }
  return "?";
}

// The `auto` rule, from `scripts/bench_kmeans.py` (full grid) on the 2-core development machine
// (float32, 2 threads, n = 10M rows of the benchmark's Gaussian mixture, idle machine; seconds
// to convergence at tol 1e-4, at most 100 iterations, from the same k-means|| centroids):
//   d=8  k=4:  lloyd 1.54 (36)    hamerly 3.21   yinyang 5.12
//   d=8  k=16: lloyd 2.69 (48)    hamerly 4.55   yinyang 8.44
//   d=8  k=64: lloyd 8.39 (100)   hamerly 11.82  yinyang 33.75
//   d=16 k=16: lloyd 1.25 (19)    hamerly 1.99   yinyang 3.44
//   d=16 k=64: lloyd 11.03 (100)  hamerly 12.98  yinyang 28.83
//   d=32 k=16: lloyd 1.48 (13)    hamerly 1.64   yinyang 3.10
//   d=32 k=64: lloyd 19.04 (100)  hamerly 17.41  yinyang 36.26
// The bound-based steps win only through many quiet late iterations: their full passes cost
// more than Lloyd's (they also write the bounds), and their sparse passes read rows scattered.
// Since the blocked kernel got its in-register transpose, Lloyd's pass is cheap enough that
// Hamerly pays off only when a distance is expensive too: many centroids (k >= 32) in many
// dimensions (d >= 32). Yinyang never won here (its searched rows run the direct formula per
// centroid), so auto does not pick it. A pure function of (n, d, k): every rank picks the same.
Algorithm choose_algorithm(Algorithm requested, std::uint64_t global_rows, std::size_t d, std::size_t k) {
  if (requested != Algorithm::automatic) return requested;
  if (global_rows < 20000) return Algorithm::lloyd;
  return k >= 32 && d >= 32 ? Algorithm::hamerly : Algorithm::lloyd;
}

std::unique_ptr<LocalStep> make_local_step(Algorithm algorithm, const data::FeatureMatrix& x, std::size_t k,
                                           const SumScales& scales) {
  switch (algorithm) {
    case Algorithm::hamerly: return make_hamerly_step(x, k, scales);
    case Algorithm::yinyang: return make_yinyang_step(x, k, scales);
    case Algorithm::lloyd:
    case Algorithm::automatic: break;
  }
  return make_lloyd_step(x, k, scales);
}

}  // namespace custseg::kmeans
