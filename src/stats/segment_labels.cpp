#include "custseg/stats/segment_labels.hpp"

#include <algorithm>
#include <charconv>
#include <fstream>
#include <set>
#include <sstream>

#include "custseg/ingest/csv.hpp"
#include "custseg/stats/segment_names.hpp"
#include "custseg/util/error.hpp"

namespace custseg::stats {

namespace {

constexpr std::size_t kMaxLabelChars = 200;  // a name or action is a line of a report, not a memo

std::string read_whole_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw_input("--segment-labels: cannot read " + path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

struct LabelColumns {
  std::size_t id = 0, name = SIZE_MAX, action = SIZE_MAX;
};

LabelColumns label_columns(const std::vector<std::string>& header, const std::string& source) {
  LabelColumns cols;
  if (std::find(header.begin(), header.end(), "segment_id") == header.end())
    throw_input(source + ": no segment_id column in the header (the columns are segment_id, name, action)");
  for (std::size_t i = 0; i < header.size(); ++i) {
    if (header[i] == "segment_id") {
      cols.id = i;
    } else if (header[i] == "name") {
      cols.name = i;
    } else if (header[i] == "action") {
      cols.action = i;
    } else {
      throw_input(source + ": unknown column '" + header[i] + "' (the columns are segment_id, name, action)");
    }
  }
  if (cols.name == SIZE_MAX && cols.action == SIZE_MAX)
    throw_input(source + ": the header names neither a name nor an action column");
  return cols;
}

std::int32_t parse_segment_id(std::string_view text, const std::string& where) {
  std::int32_t id = -1;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || id < 0)
    throw_input(where + ": segment_id '" + std::string(text) + "' is not an integer >= 0");
  return id;
}

std::string bounded_field(std::string_view text, const char* what, const std::string& where) {
  if (text.size() > kMaxLabelChars)
    throw_input(where + ": the " + std::string(what) + " is longer than " + std::to_string(kMaxLabelChars) + " characters");
  return std::string(text);
}

// Numbers generated names that repeat a name (person-given names are never renamed).
void keep_names_unique(SegmentProfiles& p) {
  std::vector<std::string> taken, generated;
  std::vector<std::size_t> generated_at;
  for (std::size_t c = 0; c < p.names.size(); ++c) {
    if (p.name_sources[c] == kNameGenerated) {
      generated.push_back(p.names[c]);
      generated_at.push_back(c);
    } else {
      taken.push_back(p.names[c]);
    }
  }
  // Person names first, so number_repeated_names only ever suffixes a generated one.
  std::vector<std::string> all = taken;
  all.insert(all.end(), generated.begin(), generated.end());
  number_repeated_names(all);
  for (std::size_t i = 0; i < generated_at.size(); ++i) p.names[generated_at[i]] = all[taken.size() + i];
}

}  // namespace

SegmentLabels read_segment_labels(const std::string& path) {
  const std::string source = "--segment-labels " + path;
  const std::string text = read_whole_file(path);
  if (const auto problem = ingest::find_text_problem(text))
    throw_input(source + ": not UTF-8 text (" + (problem->nul ? "a NUL byte" : "an invalid byte") + " at byte " +
                std::to_string(problem->offset) + ")");
  const std::size_t bom = ingest::bom_length(text);
  ingest::CsvParser parser(std::string_view(text).substr(bom), 1, path);
  ingest::CsvRecord record;
  if (!parser.next(record)) throw_input(source + ": the file is empty (expected a header: segment_id,name,action)");
  const LabelColumns cols = label_columns(ingest::header_names(record, path), source);
  const std::size_t width = record.size();
  SegmentLabels labels;
  std::map<std::string, std::int32_t> id_of_name;
  while (parser.next(record)) {
    if (record.blank()) continue;
    const std::string where = path + " line " + std::to_string(record.line());
    if (record.size() != width) ingest::fail_ragged(path, record, width);
    const std::int32_t id = parse_segment_id(record.field(cols.id), where);
    SegmentLabel label;
    if (cols.name != SIZE_MAX) label.name = bounded_field(record.field(cols.name), "name", where);
    if (cols.action != SIZE_MAX) label.action = bounded_field(record.field(cols.action), "action", where);
    if (!labels.emplace(id, label).second) throw_input(where + ": segment " + std::to_string(id) + " is listed twice");
    if (!label.name.empty()) {
      const auto [it, fresh] = id_of_name.emplace(label.name, id);
      if (!fresh)
        throw_input(where + ": segments " + std::to_string(it->second) + " and " + std::to_string(id) +
                    " are both named '" + label.name + "' (names must tell segments apart)");
    }
  }
  return labels;
}

void default_label_fields(SegmentProfiles& p) {
  p.actions.resize(p.names.size());
  p.name_sources.resize(p.names.size(), kNameGenerated);
}

std::vector<std::int32_t> apply_segment_labels(SegmentProfiles& p, std::span<const std::int32_t> ids,
                                               const SegmentLabels& labels) {
  default_label_fields(p);
  std::set<std::int32_t> used;
  for (std::size_t c = 0; c < p.names.size() && c < ids.size(); ++c) {
    const auto it = labels.find(ids[c]);
    if (it == labels.end()) continue;
    used.insert(it->first);
    if (!it->second.name.empty()) {
      p.names[c] = it->second.name;
      p.name_sources[c] = kNameFromLabelsFile;
    }
    p.actions[c] = it->second.action;
  }
  keep_names_unique(p);
  std::vector<std::int32_t> unknown;
  for (const auto& [id, label] : labels)
    if (!used.count(id)) unknown.push_back(id);
  return unknown;
}

void carry_model_labels(SegmentProfiles& p, std::span<const std::int32_t> ids, const ModelLabels& model, bool all) {
  default_label_fields(p);
  for (std::size_t c = 0; c < p.names.size() && c < ids.size(); ++c) {
    const auto at = std::find(model.ids.begin(), model.ids.end(), ids[c]);
    if (at == model.ids.end()) continue;
    const auto j = static_cast<std::size_t>(at - model.ids.begin());
    if (j < model.actions.size()) p.actions[c] = model.actions[j];
    if (j >= model.names.size() || model.names[j].empty()) continue;
    const std::string source = j < model.name_sources.size() ? model.name_sources[j] : kNameGenerated;
    if (!all && source == kNameGenerated) continue;
    p.names[c] = model.names[j];
    p.name_sources[c] = source == kNameGenerated ? kNameFromModel : source;
  }
  keep_names_unique(p);
}

}  // namespace custseg::stats
