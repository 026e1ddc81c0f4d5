#pragma once
// custseg compare, the distributed part (docs/compare.md): every rank reads its block of both
// runs' /assignments (and of the input tables, for KPIs and feature stability), sends each
// customer to the rank that owns hash(id) with one Alltoallv per run, joins locally, and the
// integer migration matrix and exact KPI sums are reduced once. Identical for any rank count.
#include <string>

#include "custseg/compare/compare_result.hpp"
#include "custseg/config/compare_config.hpp"
#include "custseg/mpi/communicator.hpp"
#include "custseg/util/log.hpp"
#include "custseg/util/pseudonymize.hpp"

namespace custseg::compare {

// Collective: the whole comparison. Errors are agreed; the result is complete on rank 0 (the
// other ranks hold the same matrix but not the per-rank timings).
// `pseudonyms` (--pseudonymize-ids): a repeated id is named by its pseudonym; without, by none.
CompareResult run_compare(const mpi::Communicator& comm, const config::CompareConfig& cfg, const Logger& log,
                          const Pseudonymizer* pseudonyms = nullptr);

}  // namespace custseg::compare
