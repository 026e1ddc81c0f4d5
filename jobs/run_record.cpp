#include "run_record.hpp"

#include <cstdint>
#include <cstdio>
#include <cstring>

#include "custseg/util/rng.hpp"

namespace custseg::jobs {

std::string fingerprint(const data::PreparedData& p) {
  std::uint64_t h = rng::mix64(p.rows_total);
  for (std::size_t j = 0; j < p.scaling.names.size(); ++j) {
    for (char ch : p.scaling.names[j]) h = rng::mix64(h ^ static_cast<unsigned char>(ch));
    std::uint64_t bits = 0;
    std::memcpy(&bits, &p.scaling.mean[j], sizeof bits);
    h = rng::mix64(h ^ bits);
    std::memcpy(&bits, &p.scaling.scale[j], sizeof bits);
    h = rng::mix64(h ^ bits);
  }
  char buf[40];
  std::snprintf(buf, sizeof buf, "%llux%zu-%016llx", static_cast<unsigned long long>(p.rows_total),
                p.scaling.names.size(), static_cast<unsigned long long>(h));
  return buf;
}

}  // namespace custseg::jobs
