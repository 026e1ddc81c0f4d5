#pragma once
// Errors that custseg reports to the user, each carrying the process exit code it maps to.
#include <stdexcept>
#include <string>

namespace custseg {

// Documented in README.md ("Exit codes"); keep the two in step.
enum class ExitCode : int {
  ok = 0,
  internal = 1,  // a bug or an unexpected system failure
  usage = 2,     // bad command line or configuration
  input = 3,     // input data missing, malformed or unusable
  output = 4,    // output cannot be written
  // Stopped by SIGTERM or SIGUSR1 after writing a checkpoint; `--resume` continues the run
  // (docs/checkpoint-resume.md). 75 is EX_TEMPFAIL of sysexits.h: "try again later".
  stopped = 75,
};

class Error : public std::runtime_error {
 public:
  Error(ExitCode code, const std::string& message) : std::runtime_error(message), code_(code) {}
  [[nodiscard]] ExitCode code() const noexcept { return code_; }

 private:
  ExitCode code_;
};

// A failed HDF5 call. The code says whose problem it is: reading an input file is the input code
// (a corrupt or unreadable table), writing an output the output code; the message names the
// call, the file and the object, followed by HDF5's own error stack.
class Hdf5Error : public Error {
 public:
  using Error::Error;
};

// A failed MPI call (or a transfer MPI's int counts cannot express). Internal: no user input
// causes it. An Error, not a bare exception, so that agree() carries it to every rank.
class MpiError : public Error {
 public:
  explicit MpiError(const std::string& message) : Error(ExitCode::internal, message) {}
};

[[noreturn]] inline void throw_usage(const std::string& m) { throw Error(ExitCode::usage, m); }
[[noreturn]] inline void throw_input(const std::string& m) { throw Error(ExitCode::input, m); }
[[noreturn]] inline void throw_output(const std::string& m) { throw Error(ExitCode::output, m); }

}  // namespace custseg
