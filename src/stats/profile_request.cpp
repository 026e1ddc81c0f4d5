#include "custseg/stats/profile_request.hpp"

#include <cmath>
#include <sstream>
#include <stdexcept>

#include "custseg/util/error.hpp"

namespace custseg::stats {

std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream stream(text);
  std::string item;
  while (std::getline(stream, item, ',')) {
    const auto b = item.find_first_not_of(" \t");
    if (b == std::string::npos) continue;
    out.push_back(item.substr(b, item.find_last_not_of(" \t") - b + 1));
  }
  return out;
}

std::map<std::string, std::vector<double>> parse_bands(const std::string& text) {
  std::map<std::string, std::vector<double>> out;
  std::stringstream stream(text);
  std::string item;
  while (std::getline(stream, item, ';')) {
    if (item.find_first_not_of(" \t") == std::string::npos) continue;
    const auto colon = item.find(':');
    if (colon == std::string::npos)
      throw_usage("--bands item '" + item + "' needs the form column:cut,cut,... (e.g. age:18,25,35,50,65)");
    const std::vector<std::string> column = split_list(item.substr(0, colon));
    if (column.size() != 1) throw_usage("--bands item '" + item + "' needs one column name before ':'");
    std::vector<double> cuts;
    for (const auto& cut : split_list(item.substr(colon + 1))) {
      std::size_t used = 0;
      double v = 0;
      try {
        v = std::stod(cut, &used);
      } catch (const std::exception&) {
        used = 0;
      }
      if (used != cut.size() || !std::isfinite(v))
        throw_usage("--bands " + column[0] + ": cut '" + cut + "' is not a finite number");
      if (!cuts.empty() && v <= cuts.back())
        throw_usage("--bands " + column[0] + ": cuts must increase (" + cut + " after " + split_list(item.substr(colon + 1))[cuts.size() - 1] + ")");
      cuts.push_back(v);
    }
    if (cuts.empty()) throw_usage("--bands " + column[0] + ": no cuts given");
    if (!out.emplace(column[0], cuts).second) throw_usage("--bands names column '" + column[0] + "' twice");
  }
  return out;
}

}  // namespace custseg::stats
