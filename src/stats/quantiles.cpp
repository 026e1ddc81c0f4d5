#include "custseg/stats/quantiles.hpp"

namespace custseg::stats {

namespace {

// The one reduction of a pass: counts by sum, extremes by max (both exact integers).
// All ranks must reach it, even with zero rows or targets.
void reduce_histograms(const mpi::Communicator& comm, Histograms& h) {
  comm.allreduce_sum(h.count);
  comm.allreduce_max(h.extremes);
}

}  // namespace

std::vector<std::vector<double>> group_quantiles(const mpi::Communicator& comm, std::span<const double> values,
                                                 std::span<const std::int32_t> labels, std::size_t k,
                                                 std::span<const double> probabilities) {
  labels = labels.first(values.size());
  GroupedKeys rows = group_keys(values, labels, k);
  std::vector<std::int64_t> counts = group_counts(rows, k);
  comm.allreduce_sum(counts);  // all ranks must reach this, even with zero rows
  SelectionPlan plan = plan_targets(counts, probabilities);
  for (int pass = 0; pass < kPasses; ++pass) {
    // Same reduced figures on every rank, so every rank leaves the loop at the same pass.
    if (all_resolved(plan.targets)) break;
    const PassSlots slots = pass_slots(plan.targets, k + 1, pass);
    Histograms hist = local_histograms(rows, k, slots);
    reduce_histograms(comm, hist);
    narrow(plan.targets, slots, hist);
  }
  return quantiles_of_targets(plan, counts, probabilities);
}

}  // namespace custseg::stats
