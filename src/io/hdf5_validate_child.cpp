// Runs the HDF5 validation (hdf5_validate.cpp) in a child process: this same program started again
// as `custseg --validate-hdf5 FILE [KEY]` (jobs/main.cpp handles that before MPI_Init). libhdf5 can
// crash on corrupt metadata; a crash in the child is reported as a corrupt file, not suffered.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "custseg/io/hdf5_validate.hpp"
#include "custseg/util/error.hpp"

extern char** environ;

namespace custseg::io {

namespace {

bool g_child_validation = false;

// A child that does not finish reading metadata in this time is stuck in a loop of a corrupt file.
constexpr auto kChildTimeout = std::chrono::seconds(120);

std::string one_line(std::string text) {
  for (char& c : text)
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  return text;
}

void print_progress(const std::string& object) {
  std::fputs(("object " + one_line(object) + "\n").c_str(), stdout);
  std::fflush(stdout);  // so the parent knows the object even if the next call crashes
}

std::string this_program() {
  std::array<char, 4096> buffer{};
  const ssize_t n = readlink("/proc/self/exe", buffer.data(), buffer.size() - 1);
  if (n <= 0) throw Error(ExitCode::internal, "cannot find this program (/proc/self/exe) to validate an input file");
  return {buffer.data(), static_cast<std::size_t>(n)};
}

struct ChildRun {
  std::string output;
  int status = 0;
  bool timed_out = false;
};

// Reads the child's stdout until it closes or the deadline passes (then kills it), and reaps it.
ChildRun collect(pid_t pid, int fd) {
  ChildRun run;
  const auto deadline = std::chrono::steady_clock::now() + kChildTimeout;
  std::array<char, 4096> buffer{};
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      run.timed_out = true;
      kill(pid, SIGKILL);
      break;
    }
    pollfd p{fd, POLLIN, 0};
    const int ready = poll(&p, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) continue;
    const ssize_t n = read(fd, buffer.data(), buffer.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    run.output.append(buffer.data(), static_cast<std::size_t>(n));
  }
  close(fd);
  while (waitpid(pid, &run.status, 0) < 0 && errno == EINTR) {
  }
  return run;
}

ChildRun spawn_validator(const std::string& path, const std::string& key) {
  const std::string program = this_program();
  std::vector<std::string> args{"custseg", "--validate-hdf5", path};
  if (!key.empty()) args.push_back(key);
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) throw Error(ExitCode::internal, std::string("pipe: ") + std::strerror(errno));
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
  pid_t pid = 0;
  const int error = posix_spawn(&pid, program.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(fds[1]);
  if (error != 0) {
    close(fds[0]);
    throw Error(ExitCode::internal, "cannot start the HDF5 validator " + program + ": " + std::strerror(error));
  }
  return collect(pid, fds[0]);
}

// The last line of `output` that starts with `prefix`, without it ("" when none).
std::string last_line(const std::string& output, const std::string& prefix) {
  std::string found;
  std::size_t at = 0;
  while (at < output.size()) {
    const std::size_t end = std::min(output.find('\n', at), output.size());
    if (output.compare(at, prefix.size(), prefix) == 0) found = output.substr(at + prefix.size(), end - at - prefix.size());
    at = end + 1;
  }
  return found;
}

}  // namespace

void enable_child_validation() { g_child_validation = true; }

void validate_in_child(const std::string& path, const std::string& key) {
  if (!g_child_validation) return;
  const ChildRun run = spawn_validator(path, key);
  const std::string object = last_line(run.output, "object ");
  const std::string head = path + " is corrupt or not a readable HDF5 file: " + (object.empty() ? "/" : object) + ": ";
  if (run.timed_out) throw_input(head + "reading its structure did not finish within 120 s (a loop in corrupt metadata?)");
  if (WIFSIGNALED(run.status))
    throw_input(head + "libhdf5 crashed reading it (" + strsignal(WTERMSIG(run.status)) + ")");
  const std::string corrupt = last_line(run.output, "corrupt ");
  if (!corrupt.empty()) {
    const std::size_t tab = corrupt.find('\t');
    throw_input(path + " is corrupt or not a readable HDF5 file: " + corrupt.substr(0, tab) + ": " +
                (tab == std::string::npos ? std::string("?") : corrupt.substr(tab + 1)));
  }
  const bool answered = run.output.rfind("ok\n", 0) == 0 || run.output.find("\nok\n") != std::string::npos;
  // A crash that a runtime turned into an exit code (AddressSanitizer's builds exit 1 on a bad
  // free inside libhdf5) is the same finding as a crash by signal, while it was reading OBJECT.
  if (WIFEXITED(run.status) && WEXITSTATUS(run.status) != 0 && !answered)
    throw_input(head + "libhdf5 failed reading it (the validator exited with status " +
                std::to_string(WEXITSTATUS(run.status)) + ")");
  if (!WIFEXITED(run.status) || WEXITSTATUS(run.status) != 0 || !answered)
    throw Error(ExitCode::internal, "the HDF5 validator of " + path + " ended without an answer (exit status " +
                                        std::to_string(run.status) + ")");
}

int run_validation_mode(int argc, char** argv) {
  if (argc < 3 || argc > 4) {
    std::fputs("usage: custseg --validate-hdf5 FILE [KEY]\n", stderr);
    return static_cast<int>(ExitCode::usage);
  }
  const Hdf5Validation result = validate_table_path(argv[2], argc == 4 ? argv[3] : "", print_progress);
  if (result.ok) std::fputs("ok\n", stdout);
  else std::fputs(("corrupt " + one_line(result.object) + "\t" + one_line(result.reason) + "\n").c_str(), stdout);
  std::fflush(stdout);
  return 0;
}

}  // namespace custseg::io
