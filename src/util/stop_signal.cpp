#include "custseg/util/stop_signal.hpp"

#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <thread>

namespace custseg {

namespace {

constexpr int kExitStopped = 75;  // ExitCode::stopped (util/error.hpp); util stays free of it
constexpr int kQuietRankDelayMs = 50;  // ranks > 0 exit this much after rank 0 (stop_now)
constexpr std::size_t kPathBytes = 4096;
constexpr int kSlots = 64;
constexpr std::size_t kTextBytes = 2 * kPathBytes;

// Everything the handler reads lives in fixed-size static storage. A writer clears `ready` (or
// `used`) before changing the bytes and sets it after, with a signal fence between, so a handler
// never reads a half-written text: at worst it skips it.
struct Slot {
  char path[kPathBytes];
  volatile std::sig_atomic_t used;
};
struct Text {
  char bytes[kTextBytes];
  volatile std::sig_atomic_t ready;
};

Slot g_slots[kSlots];
Text g_job;          // "custseg JOB: stopped by "
Text g_nothing;      // after the signal name when no checkpoint exists
Text g_checkpoint;   // after the signal name when one does
volatile std::sig_atomic_t g_signal = 0;
volatile std::sig_atomic_t g_installed = 0;
volatile std::sig_atomic_t g_speaks = 0;
volatile std::sig_atomic_t g_deferred = 0;  // StopDeferral depth
volatile std::sig_atomic_t g_ignored = 0;   // outputs complete
volatile std::sig_atomic_t g_have_checkpoint = 0;

void set_text(Text& t, const std::string& text) {
  t.ready = 0;
  std::atomic_signal_fence(std::memory_order_seq_cst);
  const std::size_t n = std::min(text.size(), kTextBytes - 1);
  std::memcpy(t.bytes, text.data(), n);
  t.bytes[n] = '\0';
  std::atomic_signal_fence(std::memory_order_seq_cst);
  t.ready = 1;
}

// strlen/memcpy are not on every system's async-signal-safe list: plain loops instead.
std::size_t append(char* out, std::size_t at, std::size_t cap, const char* text) noexcept {
  for (std::size_t i = 0; text[i] != '\0' && at + 1 < cap; ++i) out[at++] = text[i];
  return at;
}

const char* name_of(int signal) noexcept {
  if (signal == SIGTERM) return "SIGTERM";
  if (signal == SIGINT) return "SIGINT";
  if (signal == SIGUSR1) return "SIGUSR1";
  return "a signal";
}

void say_stopped(int signal) noexcept {
  static char line[3 * kTextBytes];
  std::size_t n = append(line, 0, sizeof line, g_job.ready ? g_job.bytes : "custseg: stopped by ");
  n = append(line, n, sizeof line, name_of(signal));
  const Text& tail = g_have_checkpoint ? g_checkpoint : g_nothing;
  n = append(line, n, sizeof line, tail.ready ? tail.bytes : "");
  n = append(line, n, sizeof line, "\n");
  for (std::size_t done = 0; done < n;) {
    const ssize_t w = write(STDERR_FILENO, line + done, n - done);
    if (w <= 0) break;
    done += static_cast<std::size_t>(w);
  }
}

// Async-signal-safe: unlink, write, poll, _exit only.
[[noreturn]] void stop_now(int signal) noexcept {
  for (int i = kSlots - 1; i >= 0; --i)
    if (g_slots[i].used) unlink(g_slots[i].path);
  if (g_speaks) {
    say_stopped(signal);
  } else {
    // Open MPI 4.1's mpirun, on SIGTERM, sends SIGCONT, waits 1 s, sends SIGTERM and then SIGKILL
    // as soon as the first rank has exited (measured with strace: 2-7 ms). Rank 0 must be that
    // first one, or it can be killed before its line is out; the others have removed the files.
    poll(nullptr, 0, kQuietRankDelayMs);
  }
  _exit(kExitStopped);
}

extern "C" void on_stop_signal(int signal) {
  g_signal = signal;
  if (g_deferred > 0 || g_ignored) return;
  stop_now(signal);
}

}  // namespace

void install_stop_handlers(const std::string& job, bool speaks) {
  set_text(g_job, "custseg " + job + ": stopped by ");
  if (!g_nothing.ready) set_stop_message(" before the outputs were complete; nothing was written; rerun the same command");
  g_speaks = speaks ? 1 : 0;
  if (g_installed) return;
  struct sigaction action {};
  action.sa_handler = on_stop_signal;
  sigemptyset(&action.sa_mask);  // one stop at a time: the others wait while a handler runs
  sigaddset(&action.sa_mask, SIGTERM);
  sigaddset(&action.sa_mask, SIGINT);
  sigaddset(&action.sa_mask, SIGUSR1);
  action.sa_flags = SA_RESTART;  // a deferred signal must not make a blocking read or MPI call fail
  sigaction(SIGTERM, &action, nullptr);
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGUSR1, &action, nullptr);
  g_installed = 1;
}

void set_stop_message(const std::string& after_signal) { set_text(g_nothing, after_signal); }

void set_stop_checkpoint(const std::string& path) {
  set_text(g_checkpoint, "; checkpoint " + path + " kept; rerun with --resume");
  g_have_checkpoint = 1;
}

int pending_stop_signal() noexcept { return g_signal; }

void act_on_pending_stop() {
  if (g_signal != 0 && g_deferred == 0 && !g_ignored) stop_now(g_signal);
}

StopDeferral::StopDeferral() noexcept { g_deferred = g_deferred + 1; }
StopDeferral::~StopDeferral() { g_deferred = g_deferred - 1; }

void stops_ignored_from_now() noexcept { g_ignored = 1; }

int register_cleanup_path(const std::string& path) {
  if (path.size() >= kPathBytes) throw std::length_error("register_cleanup_path: path too long: " + path);
  for (int i = 0; i < kSlots; ++i) {
    if (g_slots[i].used) continue;
    std::memcpy(g_slots[i].path, path.c_str(), path.size() + 1);
    std::atomic_signal_fence(std::memory_order_seq_cst);
    g_slots[i].used = 1;
    return i;
  }
  throw std::length_error("register_cleanup_path: more than 64 paths registered");
}

void unregister_cleanup_path(int handle) noexcept {
  if (handle >= 0 && handle < kSlots) g_slots[handle].used = 0;
}

CleanupPaths::CleanupPaths(const std::vector<std::string>& paths) {
  try {
    for (const std::string& p : paths) handles_.push_back(register_cleanup_path(p));
  } catch (...) {
    release();
    throw;
  }
}
CleanupPaths::~CleanupPaths() { release(); }
CleanupPaths::CleanupPaths(CleanupPaths&& other) noexcept : handles_(std::move(other.handles_)) { other.handles_.clear(); }
CleanupPaths& CleanupPaths::operator=(CleanupPaths&& other) noexcept {
  if (this != &other) {
    release();
    handles_ = std::move(other.handles_);
    other.handles_.clear();
  }
  return *this;
}
void CleanupPaths::release() noexcept {
  for (int h : handles_) unregister_cleanup_path(h);
  handles_.clear();
}

std::string signal_name(int signal) {
  if (signal == SIGTERM || signal == SIGINT || signal == SIGUSR1) return name_of(signal);
  return "signal " + std::to_string(signal);
}

long long stop_flag_bits(int signal) noexcept {
  if (signal == 0) return 0;
  if (signal == SIGTERM) return 1LL;
  return signal == SIGINT ? (1LL << 21) : (1LL << 42);
}

int signal_of_flag_sum(long long sum) noexcept {
  constexpr long long kField = (1LL << 21) - 1;
  if ((sum & kField) != 0) return SIGTERM;
  if (((sum >> 21) & kField) != 0) return SIGINT;
  return sum != 0 ? SIGUSR1 : 0;
}

void test_hold(const char* phase) {
  static const char* spec = std::getenv("CUSTSEG_TEST_HOLD");
  if (spec == nullptr) return;
  const char* colon = std::strchr(spec, ':');
  const std::size_t len = std::strlen(phase);
  if (colon == nullptr || static_cast<std::size_t>(colon - spec) != len || std::strncmp(spec, phase, len) != 0) return;
  if (g_speaks) std::fprintf(stderr, "custseg test hold: %s\n", phase);
  std::fflush(stderr);
  std::this_thread::sleep_for(std::chrono::milliseconds(std::strtol(colon + 1, nullptr, 10)));
}

}  // namespace custseg
