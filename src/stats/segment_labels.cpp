#include "custseg/stats/segment_labels.hpp"

#include <algorithm>
#include <charconv>
#include <filesystem>
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
  // Refused before opening: reading a FIFO would wait forever, a directory reads as empty.
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (std::filesystem::is_directory(status)) throw_input("--segment-labels: " + path + " is a directory, not a CSV file");
  if (std::filesystem::exists(status) && !std::filesystem::is_regular_file(status))
    throw_input("--segment-labels: " + path + " is not a regular file (a pipe or device cannot be read as labels)");
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

// Characters, not bytes: a name in Greek or Japanese has the same allowance as one in English.
std::size_t utf8_characters(std::string_view text) {
  return static_cast<std::size_t>(
      std::count_if(text.begin(), text.end(), [](char ch) { return (static_cast<unsigned char>(ch) & 0xC0) != 0x80; }));
}

std::string_view trimmed(std::string_view text) {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(" \t") - first + 1);
}

// A name or action is one line of a report: surrounding blanks are dropped (a blank name keeps
// the generated one), a line break or other control character is refused, and so is a field
// over kMaxLabelChars characters.
std::string label_field(std::string_view raw, const char* what, const std::string& where) {
  const std::string_view text = trimmed(raw);
  if (std::any_of(text.begin(), text.end(), [](char ch) { return static_cast<unsigned char>(ch) < 0x20 || ch == 0x7F; }))
    throw_input(where + ": the " + std::string(what) + " contains a line break or another control character");
  if (utf8_characters(text) > kMaxLabelChars)
    throw_input(where + ": the " + std::string(what) + " is longer than " + std::to_string(kMaxLabelChars) + " characters");
  return std::string(text);
}

// Two names a person gave (file or model) that are equal: refused, since renaming either would
// overrule the person and keeping both would make two segments indistinguishable in a CRM.
void refuse_repeated_person_names(const SegmentProfiles& p, std::span<const std::int32_t> ids) {
  std::map<std::string, std::size_t> first_with;
  for (std::size_t c = 0; c < p.names.size(); ++c) {
    if (p.name_sources[c] == kNameGenerated) continue;
    const auto [it, fresh] = first_with.emplace(p.names[c], c);
    if (fresh) continue;
    auto id = [&](std::size_t i) { return std::to_string(i < ids.size() ? ids[i] : static_cast<std::int32_t>(i)); };
    throw_input("segments " + id(it->second) + " and " + id(c) + " would both be named '" + p.names[c] + "' (" +
                p.name_sources[it->second] + ", " + p.name_sources[c] +
                "): give one of them another name in the --segment-labels file");
  }
}

// Numbers generated names that repeat a name (person-given names are never renamed).
void keep_names_unique(SegmentProfiles& p, std::span<const std::int32_t> ids) {
  refuse_repeated_person_names(p, ids);
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
    if (cols.name != SIZE_MAX) label.name = label_field(record.field(cols.name), "name", where);
    if (cols.action != SIZE_MAX) label.action = label_field(record.field(cols.action), "action", where);
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
  keep_names_unique(p, ids);
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
    p.name_sources[c] = source;  // a generated name stays generated: no person chose it
  }
  keep_names_unique(p, ids);
}

}  // namespace custseg::stats
