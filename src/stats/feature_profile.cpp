#include "custseg/stats/feature_profile.hpp"

#include <cmath>
#include <limits>

#include "custseg/stats/quantiles.hpp"
#include "custseg/stats/segment_moments.hpp"

namespace custseg::stats {

FeatureProfile profile_feature(const mpi::Communicator& comm, const std::string& name, std::span<const double> values,
                               std::span<const std::int32_t> labels, std::size_t k) {
  FeatureProfile p;
  p.name = name;
  p.moments = segment_moments(comm, values, labels, k);
  p.quantiles = group_quantiles(comm, values, labels, k, kProfileProbabilities);
  fill_differences(p, k);
  return p;
}

}  // namespace custseg::stats
