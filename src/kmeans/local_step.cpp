#include <algorithm>

#include "custseg/kmeans/bound_steps.hpp"
#include "custseg/kmeans/driver.hpp"
#include "custseg/kmeans/lloyd_step.hpp"
#include "custseg/util/error.hpp"

namespace custseg::kmeans {

namespace {

class LloydStep final : public LocalStep {
 public:
  LloydStep(const data::FeatureMatrix& x, std::size_t k, const SumScales& scales) : x_(x), k_(k), scales_(scales) {}
  LocalPass run(const std::vector<double>& centroids, std::span<std::int32_t> labels) override {
    return LocalPass{lloyd_local_step(x_, centroids, k_, scales_, labels, std::span<float>{}), x_.rows};
  }

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

FewerDistinct parse_fewer_distinct(const std::string& name) {
  if (name == "reduce") return FewerDistinct::reduce;
  if (name == "fail") return FewerDistinct::fail;
  throw_usage("--fewer-distinct must be reduce or fail (got '" + name + "')");
}

std::string to_string(FewerDistinct policy) { return policy == FewerDistinct::fail ? "fail" : "reduce"; }

std::string to_string(Algorithm a) {
  switch (a) {
    case Algorithm::lloyd: return "lloyd";
    case Algorithm::hamerly: return "hamerly";
    case Algorithm::yinyang: return "yinyang";
    case Algorithm::automatic: return "auto";
  }
  return "?";
}

// The `auto` rule (measurements: docs/kmeans-benchmark.md). The bound-based steps win only
// through many quiet late iterations: their full passes cost more than Lloyd's (they also write
// the bounds) and their sparse passes read rows scattered, so Hamerly pays off only when a
// distance is expensive too (many centroids in many dimensions). Yinyang never won, so auto does
// not pick it.
Algorithm choose_algorithm(Algorithm requested, std::uint64_t global_rows, std::size_t d, std::size_t k) {
  if (requested != Algorithm::automatic) return requested;
  if (global_rows < kAutoMinRows) return Algorithm::lloyd;
  return k >= kAutoHamerlyMinK && d >= kAutoHamerlyMinDims ? Algorithm::hamerly : Algorithm::lloyd;
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
