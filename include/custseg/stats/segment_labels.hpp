#pragma once
// Segment names and recommended actions a person wrote (--segment-labels FILE), applied by stable
// segment ID, and carried from one period's model to the next (score, segment --previous).
//
// The file is a CSV (RFC 4180, UTF-8, a header line) with the columns
//   segment_id  the stable segment ID reports show (an integer >= 0; required)
//   name        the segment's name (empty: keep the generated one)
//   action      what to do with its customers, e.g. "win-back email, 15% voucher" (optional column)
// in any order; no other columns. Pure apart from reading the file; no MPI.
#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "custseg/stats/segment_profiles_types.hpp"

namespace custseg::stats {

inline constexpr const char* kNameGenerated = "generated";
inline constexpr const char* kNameFromLabelsFile = "labels file";

struct SegmentLabel {
  std::string name, action;
};
using SegmentLabels = std::map<std::int32_t, SegmentLabel>;  // by stable segment ID

// Names and actions lose surrounding blanks (a blank name keeps the generated one). Input errors
// (exit 3) naming the file and line: a directory, FIFO or device, unreadable, not UTF-8 text,
// malformed CSV, a header without segment_id or with an unknown or repeated column, an ID that is
// not an integer >= 0, an ID listed twice, a name or action over 200 characters (UTF-8
// characters, not bytes) or holding a line break or other control character, two IDs given the
// same name.
SegmentLabels read_segment_labels(const std::string& path);

// Gives index c of `profiles` (stable ID ids[c]) the file's name (when non-empty) and action, and
// marks the name's source. Names stay unique: a generated name equal to a person's is numbered
// (number_repeated_names); two names a person gave (this file's, or carried from a model) that
// are equal are an input error naming both IDs. Returns the file's IDs that are not in this run (for a warning).
std::vector<std::int32_t> apply_segment_labels(SegmentProfiles& profiles, std::span<const std::int32_t> ids,
                                               const SegmentLabels& labels);

// The names, actions and name sources a model file holds, by its stable segment IDs.
struct ModelLabels {
  std::vector<std::int32_t> ids;
  std::vector<std::string> names, actions, name_sources;  // empty when the model has none
};

// Carries a model's labels to index c of `profiles` where ids[c] is one of the model's IDs.
// all = true (score: the same segments) carries every name; all = false (segment --previous: the
// segments were refitted) carries only the names a person gave (source not "generated"), since a
// generated name describes last period's statistics. Carried names keep their source ("generated"
// stays generated); actions always carry. Names stay unique as in apply_segment_labels.
void carry_model_labels(SegmentProfiles& profiles, std::span<const std::int32_t> ids, const ModelLabels& model,
                        bool all);

// Fills actions ("") and name_sources ("generated") to the length of names where shorter.
void default_label_fields(SegmentProfiles& profiles);

}  // namespace custseg::stats
