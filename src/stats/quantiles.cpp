#include "custseg/stats/quantiles.hpp"

namespace custseg::stats {

namespace {

// The one reduction of a pass: counts by sum, extremes by max (both exact integers).
// All ranks must reach it, even with zero rows or targets.
void reduce_histograms(const mpi::Communicator& comm, Histograms& h) {
  comm.allreduce_sum(h.count);
  comm.allreduce_max(h.extremes);
}

// Rows still in play start as all rows. Recording matches with 32-bit indices keeps this at
// 4 bytes a row; a rank with 2^32 rows or more scans every row in every pass instead.
bool can_record_matches(std::size_t rows) { return rows < (std::uint64_t{1} << 32); }

}  // namespace

std::vector<std::vector<double>> group_quantiles(const mpi::Communicator& comm, std::span<const double> values,
                                                 std::span<const std::int32_t> labels, std::size_t k,
                                                 std::span<const double> probabilities) {
  labels = labels.first(values.size());
  std::vector<std::int64_t> counts = group_counts(labels, k);
  comm.allreduce_sum(counts);  // all ranks must reach this, even with zero rows
  SelectionPlan plan = plan_targets(counts, probabilities);

  std::vector<std::uint64_t> keys(values.size());
  for (std::size_t i = 0; i < values.size(); ++i) keys[i] = order_key(values[i]);
  const bool compact = can_record_matches(values.size());
  RowsInPlay in_play;
  for (int pass = 0; pass < kPasses; ++pass) {
    // Same reduced figures on every rank, so every rank leaves the loop at the same pass.
    if (all_resolved(plan.targets)) break;
    const PassSlots slots = pass_slots(plan.targets, k + 1, pass);
    // Pass 0 matches every labelled row, so recording matches starts with pass 1.
    const bool record = compact && pass > 0;
    LocalPass local = local_histograms(keys, labels, k, slots, in_play, record);
    if (record) in_play = RowsInPlay{false, std::move(local.matched)};
    reduce_histograms(comm, local.hist);
    narrow(plan.targets, slots, local.hist);
  }
  return quantiles_of_targets(plan, counts, probabilities);
}

}  // namespace custseg::stats
