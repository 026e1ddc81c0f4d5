// A small MPI driver for the CLV reference test (cdnow_reference.py): fits BG/NBD and gamma-gamma
// to the frequency/recency/T/monetary_value columns of an HDF5 customer table over all ranks,
// and prints the result as one JSON object on rank 0, parameters also as hex floats ("%a") so
// that the caller can compare bits across rank counts.
//   mpirun -np N clv_fit_table customers.h5
#include <cstdio>
#include <string>

#include "custseg/clv/clv_table.hpp"
#include "custseg/clv/fit.hpp"
#include "custseg/util/error.hpp"

namespace {

std::string hex(double v) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%a", v);
  return buffer;
}

std::string number(double v) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.17g", v);
  return std::string(v == v ? buffer : "null");
}

std::string to_json(const custseg::clv::FitReport& r) {
  std::string params, bits, se;
  for (std::size_t i = 0; i < r.params.size(); ++i) {
    const std::string sep = i ? ", " : "";
    params += sep + "\"" + r.names[i] + "\": " + number(r.params[i]);
    bits += sep + "\"" + r.names[i] + "\": \"" + hex(r.params[i]) + "\"";
    se += sep + "\"" + r.names[i] + "\": " + number(r.standard_errors[i]);
  }
  return "{\"params\": {" + params + "}, \"bits\": {" + bits + "}, \"se\": {" + se +
         "}, \"log_likelihood\": " + number(r.log_likelihood) + ", \"log_likelihood_bits\": \"" +
         hex(r.log_likelihood) + "\", \"evaluations\": " + std::to_string(r.evaluations) + ", \"stop\": \"" +
         r.stop_reason + "\", \"converged\": " + (r.converged ? "true" : "false") +
         ", \"customers\": " + std::to_string(r.customers) + ", \"excluded\": " + std::to_string(r.excluded) +
         ", \"seconds\": " + number(r.seconds) + "}";
}

}  // namespace

int main(int argc, char** argv) {
  custseg::mpi::Environment env(argc, argv);
  const custseg::mpi::Communicator comm;
  if (argc != 2) {
    if (comm.is_root()) std::fprintf(stderr, "usage: clv_fit_table customers.h5\n");
    return 2;
  }
  try {
    const auto rows = custseg::clv::read_clv_rows(comm, argv[1]);
    const auto bgnbd = custseg::clv::fit_bgnbd(comm, rows.purchases, rows.first_row);
    const auto spend = custseg::clv::fit_gamma_gamma(comm, rows.spend);
    if (comm.is_root())
      std::printf("{\"ranks\": %d, \"bgnbd\": %s, \"gamma_gamma\": %s}\n", comm.size(), to_json(bgnbd).c_str(),
                  to_json(spend).c_str());
    return 0;
  } catch (const custseg::Error& e) {
    // Every rank holds the same error (the fit agrees before throwing); rank 0 says it once.
    if (comm.is_root()) std::fprintf(stderr, "clv_fit_table: %s\n", e.what());
    return static_cast<int>(e.code());
  }
}
