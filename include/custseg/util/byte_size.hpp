#pragma once
// Sizes given by users: "2G", "512M", "64k", "1048576" (binary units: k = 1024).
#include <cstdint>
#include <string>

namespace custseg {

// Throws a usage error naming `option` for anything that is not a whole number of bytes with an
// optional k/K, m/M, g/G, t/T suffix (and an optional trailing "iB" or "B").
std::uint64_t parse_byte_size(const std::string& text, const std::string& option);

}  // namespace custseg
