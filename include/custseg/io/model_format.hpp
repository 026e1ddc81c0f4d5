#pragma once
// The version of results.h5, the file every run writes and `score` and `segment --init` read as a
// model (docs/results-format.md). Plain text rules, no HDF5: the reader (model_file.hpp) applies
// them to the root attributes `format` and `format_version`.
//
// Versioning: "MAJOR.MINOR". A minor bump only adds objects or attributes that older readers may
// ignore; a major bump changes or removes something a reader relies on, so a reader refuses a file
// of a newer major version and reads any minor version of its own.
#include <string>

namespace custseg::io {

inline constexpr const char* kResultsFormat = "custseg-results";
inline constexpr int kFormatMajor = 1;
inline constexpr int kFormatMinor = 0;

struct FormatVersion {
  int major = 0;
  int minor = 0;
};

// "1.0" for this build.
std::string current_format_version();

// Parses "MAJOR.MINOR" (digits only); an input error naming `path` otherwise.
FormatVersion parse_format_version(const std::string& text, const std::string& path);

// Input errors (exit 3) naming `path`: a `format` other than kResultsFormat, or a major version
// newer than this build reads ("written by a newer custseg: format 2.0, this build reads 1.x").
FormatVersion check_model_format(const std::string& format, const std::string& version, const std::string& path);

}  // namespace custseg::io
