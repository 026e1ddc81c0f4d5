#pragma once
// Everything a marketer reads about the segments of one model, computed across ranks: feature
// profiles in original units, KPIs, fairness audits, quality metrics and generated names.
#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "custseg/data/prepare.hpp"
#include "custseg/io/customer_table.hpp"
#include "custseg/mpi/communicator.hpp"
#include "custseg/stats/cluster_quality.hpp"
#include "custseg/stats/fairness.hpp"
#include "custseg/stats/feature_profile.hpp"
#include "custseg/stats/kpi_profile.hpp"
#include "custseg/stats/profile_request.hpp"
#include "custseg/stats/row_sample.hpp"
#include "custseg/stats/segment_profiles_types.hpp"

#include "custseg/util/log.hpp"

namespace custseg::stats {

// Columns with a reporting role, resolved against the table.
struct ProfileColumns {
  std::vector<std::string> kpi;
  std::vector<std::string> protected_columns;
  std::vector<std::string> profile;                    // --profile: category mix per segment, never features
  std::map<std::string, std::vector<double>> bands;    // --bands: declared cuts of numeric profile/protected columns
};



// `kpi_text` / `protected_text`: comma lists; empty = the columns whose "role" attribute says
// "kpi" / "protected"; "none" = no columns. Usage errors: a column listed twice, a protected or
// KPI column that is also a feature, or the id column in any list (no customer id in a report).
// Input error: a column that is not in the table, or one that cannot serve (a KPI must be numbers
// or bools; a protected column may also be text). Pure apart from reading attributes.
// --profile (profile_text, a comma list, text allowed) and --bands (bands_text) likewise: a
// profile column may not be a feature, KPI or protected column (usage error); a banded column
// must be a numeric --profile or --protected column.
ProfileColumns resolve_profile_columns(const io::File& file, const io::TableInfo& table, const ProfileRequest& request,
                                       const std::vector<std::string>& features, const std::string& id_column);

// The features that are integer-coded categoricals (a "categories" attribute, or a pandas
// categorical): k-means would measure distances between their codes, which mean nothing (region 3
// is not "further" from 1 than 2 is). The jobs warn about each; --profile shows them instead.
std::vector<std::string> categorical_features(const io::File& file, const io::TableInfo& table,
                                              const std::vector<std::string>& features);
std::string categorical_feature_warning(const std::string& column);

struct ProfileSettings {
  ProfileColumns columns;
  double fairness_threshold = 0.8;
  std::uint64_t silhouette_sample = 2000;  // expected sample size; 0 = no silhouette
  std::uint64_t seed = 1;                  // keys the silhouette sample
  const Logger* log = nullptr;             // progress lines per column pass (util/progress.hpp); null: none
};

// Collective. `kept_labels` are per row of prepared.x, `block_labels` per row of the block (-1 =
// dropped). Columns are re-read one at a time, so memory stays at one column per rank.
// `sample`: a sample already drawn from prepared.x (the sweep reuses one), or null to draw one.
SegmentProfiles profile_segments(const mpi::Communicator& comm, const io::File& file, const io::TableInfo& table,
                                 const data::PreparedData& prepared, std::span<const std::int32_t> kept_labels,
                                 std::span<const std::int32_t> block_labels, std::size_t k,
                                 const ProfileSettings& settings, const RowSample* sample = nullptr);


}  // namespace custseg::stats
