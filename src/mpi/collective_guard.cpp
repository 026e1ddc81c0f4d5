#include "custseg/mpi/collective_guard.hpp"

#include <exception>
#include <new>
#include <string>

#include "custseg/util/error.hpp"

namespace custseg::mpi {

void agree(const Communicator& comm, const std::function<void()>& work) {
  std::string message;
  ExitCode code = ExitCode::ok;
  try {
    work();
  } catch (const Error& e) {
    message = e.what();
    code = e.code();
  } catch (const std::bad_alloc&) {
    message = "out of memory on rank " + std::to_string(comm.rank());
    code = ExitCode::internal;
  } catch (const std::exception& e) {
    message = e.what();
    code = ExitCode::internal;
  }
  // All ranks must reach this, whether their work succeeded or threw.
  const std::int64_t no_failure = comm.size();
  const std::int64_t first_failed = comm.min(code == ExitCode::ok ? no_failure : std::int64_t{comm.rank()});
  if (first_failed == no_failure) return;

  const int root = static_cast<int>(first_failed);
  std::string payload = std::to_string(static_cast<int>(code)) + "|" + message;
  comm.broadcast(payload, root);
  const auto bar = payload.find('|');
  const auto agreed_code = static_cast<ExitCode>(std::stoi(payload.substr(0, bar)));
  std::string agreed_message = payload.substr(bar + 1);
  if (comm.size() > 1 && agreed_message.find("rank ") == std::string::npos)
    agreed_message += " (on rank " + std::to_string(root) + ")";
  throw Error(agreed_code, agreed_message);
}

}  // namespace custseg::mpi
