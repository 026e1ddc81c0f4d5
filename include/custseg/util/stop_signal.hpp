#pragma once
// SIGTERM and SIGUSR1 as a polite request to stop (docs/checkpoint-resume.md). The handlers only
// record the signal in a sig_atomic_t; the k-means driver looks at it at iteration boundaries,
// agrees with the other ranks inside the iteration's one reduction, writes a checkpoint and
// stops with exit code 75. Nothing else happens inside a handler (async-signal-safety).
#include <string>

namespace custseg {

// Installs the handlers for SIGTERM and SIGUSR1 (idempotent). Jobs that cannot resume do not
// call it and keep the default action (terminate).
void install_stop_handlers();

// The signal received by this process since the handlers were installed (the last one), or 0.
[[nodiscard]] int pending_stop_signal() noexcept;

// "SIGTERM", "SIGUSR1", or "signal N".
[[nodiscard]] std::string signal_name(int signal);

// Bits of the flag that travels in the k-means reduction: SIGTERM counts in the low 32 bits,
// SIGUSR1 (and any other) in the high 32 bits, so the sum over ranks still says which arrived.
[[nodiscard]] long long stop_flag_bits(int signal) noexcept;
// The signal an agreed sum of stop_flag_bits stands for (SIGTERM wins), or 0.
[[nodiscard]] int signal_of_flag_sum(long long sum) noexcept;

}  // namespace custseg
