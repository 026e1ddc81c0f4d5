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

// The `auto` rule, from `custseg bench` on the 2-core development machine (float32, 2 threads,
// 1M rows of the benchmark's Gaussian mixture, shared and noisy machine; seconds to convergence
// at tol 1e-4 from the same k-means|| centroids, iterations in brackets):
//   d=8  k=16:  lloyd 0.38 (27)   hamerly 0.63   yinyang 0.93
//   d=16 k=16:  lloyd 0.63 (12)   hamerly 0.93                  (2M rows)
//   d=16 k=64:  lloyd 13.4 (300)  hamerly 11.5   yinyang 23.9
//   d=32 k=64:  lloyd 23.4 (256)  hamerly 17.8   yinyang 24.2
// The bound-based steps win only through many quiet late iterations: their full passes cost
// more than Lloyd's (they also write the bounds), and their sparse passes read rows scattered.
// With small k, runs converge in tens of iterations and Lloyd's streaming pass wins; with
// k >= 32 they run for hundreds and Hamerly pays off. Yinyang never won here (its searched rows
// run the direct formula per centroid), so auto does not pick it. A pure function of (n, d, k):
// every rank picks the same step.
Algorithm choose_algorithm(Algorithm requested, std::uint64_t global_rows, std::size_t d, std::size_t k) {
  if (requested != Algorithm::automatic) return requested;
  (void)d;
  if (global_rows < 20000) return Algorithm::lloyd;
  return k >= 32 ? Algorithm::hamerly : Algorithm::lloyd;
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
