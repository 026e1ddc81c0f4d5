#include "custseg/util/stop_signal.hpp"

#include <csignal>

namespace custseg {

namespace {
volatile std::sig_atomic_t g_signal = 0;
volatile std::sig_atomic_t g_installed = 0;

extern "C" void record_stop_signal(int signal) { g_signal = signal; }
}  // namespace

void install_stop_handlers() {
  if (g_installed) return;
  struct sigaction action {};
  action.sa_handler = record_stop_signal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;  // a signal must not make a blocking read or MPI call fail
  sigaction(SIGTERM, &action, nullptr);
  sigaction(SIGUSR1, &action, nullptr);
  g_installed = 1;
}

int pending_stop_signal() noexcept { return g_signal; }

std::string signal_name(int signal) {
  if (signal == SIGTERM) return "SIGTERM";
  if (signal == SIGUSR1) return "SIGUSR1";
  return "signal " + std::to_string(signal);
}

long long stop_flag_bits(int signal) noexcept {
  if (signal == 0) return 0;
  return signal == SIGTERM ? 1LL : (1LL << 32);
}

int signal_of_flag_sum(long long sum) noexcept {
  if ((sum & 0xffffffffLL) != 0) return SIGTERM;
  return sum != 0 ? SIGUSR1 : 0;
}

}  // namespace custseg
