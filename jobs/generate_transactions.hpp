#pragma once
// `custseg generate --transactions` (generate.cpp dispatches here after parsing its options).
#include "custseg/config/generate_config.hpp"
#include "custseg/mpi/communicator.hpp"
#include "custseg/util/log.hpp"

namespace custseg::jobs {

// Writes cfg.output (the CSV log) and cfg.output + ".truth.json"; collective. Returns the exit code.
int generate_transaction_log(const mpi::Communicator& comm, const config::GenerateConfig& cfg, const Logger& log);

}  // namespace custseg::jobs
