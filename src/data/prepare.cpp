#include "custseg/data/prepare.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <span>
#include <sstream>

#include "custseg/data/scaling_fit.hpp"
#include "custseg/data/synthetic.hpp"
#include "custseg/ingest/table_columns.hpp"
#include "custseg/mpi/collective_guard.hpp"
#include "custseg/util/error.hpp"

namespace custseg::data {

namespace {

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : ", ") + s;
  return out;
}

// Preparation straight into the k-means storage, one feature column at a time: only one float64
// column of the block is staged (the whole float64 block was 2x the float32 features, 3.2x with
// the copy into float32; docs/performance.md). Every value gets the arithmetic of the row-major
// path it replaces, in the same order per value (transform, validate, standardize, round), and
// every sum over rows is exact per feature (scaling_fit.hpp), so the bits are those of reading the
// whole block first. Errors name the same value: the first in row-major order (lowest row, then
// lowest feature) of this rank, found after every column was read (reads are collective: a rank
// must not stop reading early).
class ColumnPreparer {
 public:
  ColumnPreparer(const mpi::Communicator& comm, const io::File& file, const io::TableInfo& table, PreparedData& p,
                 const std::vector<std::string>& names, const std::vector<TransformKind>& kinds)
      : comm_(comm), file_(file), table_(table), p_(p), names_(names), kinds_(kinds), column_(p.block.count) {}

  // Fits the scaling (fixed == nullptr) or applies `fixed`, and fills p.x, p.kept, p.rows_dropped,
  // p.scaling. Collective; errors agreed.
  void run(NanPolicy policy, const char* hint, Precision precision, const FeatureScaling* fixed, bool standardize_values) {
    const std::size_t d = names_.size(), n = column_.size();
    p_.scaling = fixed ? *fixed : FeatureScaling{names_, kinds_, std::vector<double>(d, 0.0), std::vector<double>(d, 1.0)};
    p_.x = FeatureMatrix();
    p_.x.dims = d;
    p_.x.rows = n;
    p_.x.global_begin = p_.block.begin;
    p_.x.precision = precision;
    p_.kept.assign(n, 1);
    allocate(n * d);
    // Optimistic: while no rank has dropped a row, each column is finished as soon as it is read
    // (one read per column). A dropped row changes the rows every feature's scaling is fitted on,
    // so the first one anywhere turns the rest into validation only, and a second pass finishes.
    bool clean = true;
    for (std::size_t j = 0; j < d; ++j) {
      mpi::agree(comm_, [&] { read_and_validate(j); });
      if (clean) clean = comm_.sum(dropped_here_) == 0;  // every rank, every column, while clean
      if (clean) finish(j, fixed, standardize_values, precision);
    }
    mpi::agree(comm_, [&] {
      if (policy == NanPolicy::fail && first_bad_.found())
        throw_input(unusable_value_message(names_[first_bad_.feature], first_bad_.raw, kinds_[first_bad_.feature],
                                           first_bad_.transformed, p_.block.begin + first_bad_.row) +
                    "; nan-policy is fail (" + hint + ")");
    });
    p_.rows_dropped = comm_.sum(dropped_here_);
    if (p_.rows_dropped == 0) {
      p_.kept.clear();
    } else {
      // Kept rows only, with their global indices (as compact() did on the whole block).
      p_.x.rows = n - dropped_here_;
      for (std::size_t i = 0; i < n; ++i)
        if (p_.kept[i]) p_.x.global_rows.push_back(p_.block.begin + i);
      allocate(p_.x.rows * d);
      first_range_ = First();  // the finished columns were scaled over every row: all start again
      for (std::size_t j = 0; j < d; ++j) {
        mpi::agree(comm_, [&] { read_and_validate(j); });
        finish(j, fixed, standardize_values, precision);
      }
    }
    std::vector<double>().swap(column_);
    mpi::agree(comm_, [&] {
      if (!first_range_.found()) return;
      std::ostringstream msg;
      msg << "feature '" << names_[first_range_.feature] << "' reaches " << first_range_.transformed << " (row "
          << p_.x.global_row(first_range_.row) << ") in the space k-means runs in, beyond the "
          << kMaxFloat32KMeansMagnitude
          << " that float32 storage holds safely; use --precision float64 or --standardize true";
      throw_input(msg.str());
    });
  }

 private:
  // The first flagged value in row-major order: the lowest row, then the lowest feature (features
  // are visited in order, so a later one only wins with a lower row).
  struct First {
    std::size_t row = SIZE_MAX, feature = 0;
    double raw = 0.0, transformed = 0.0;
    [[nodiscard]] bool found() const { return row != SIZE_MAX; }
    void offer(std::size_t i, std::size_t j, double r, double t) {
      if (i >= row) return;
      row = i;
      feature = j;
      raw = r;
      transformed = t;
    }
  };

  void allocate(std::size_t values) {
    // Released first, so the old and the new storage are never held together.
    std::vector<float>().swap(p_.x.values32);
    std::vector<double>().swap(p_.x.values);
    if (p_.x.precision == Precision::float32) p_.x.values32.resize(values);
    else p_.x.values.resize(values);
  }

  // Column j of the block, transformed in place; unusable values drop their row (counted once).
  void read_and_validate(std::size_t j) {
    io::read_table_rows<double>(file_, table_, table_.require(names_[j], "numeric").where, p_.block,
                                std::span<double>(column_));
    for (std::size_t i = 0; i < column_.size(); ++i) {
      const double raw = column_[i];
      column_[i] = apply_transform(kinds_[j], raw);
      if (usable_value(raw, column_[i])) continue;
      first_bad_.offer(i, j, raw, column_[i]);
      if (p_.kept[i]) ++dropped_here_;
      p_.kept[i] = 0;
    }
  }

  // Column j (transformed) -> kept rows, scaling fitted on them (or the fixed one), standardized
  // and stored into the k-means storage. Collective when fitting.
  void finish(std::size_t j, const FeatureScaling* fixed, bool standardize_values, Precision precision) {
    std::size_t kept = column_.size();
    if (!p_.kept.empty() && p_.rows_dropped > 0) {
      kept = 0;
      for (std::size_t i = 0; i < column_.size(); ++i)
        if (p_.kept[i]) column_[kept++] = column_[i];
    }
    if (!fixed) fit(j, kept);
    const double mean = p_.scaling.mean[j], scale = fixed || standardize_values ? p_.scaling.scale[j] : 1.0;
    const std::size_t d = names_.size();
    for (std::size_t i = 0; i < kept; ++i) {
      const double v = (column_[i] - mean) / scale;
      if (precision == Precision::float32) {
        if (!(std::abs(v) <= kMaxFloat32KMeansMagnitude)) first_range_.offer(i, j, v, v);
        p_.x.values32[i * d + j] = static_cast<float>(v);  // round to nearest, as store_as does
      } else {
        p_.x.values[i * d + j] = v;
      }
    }
  }

  // fit_scaling's exact sums for feature j alone (each feature's are independent of the others').
  void fit(std::size_t j, std::size_t kept) {
    const auto n = static_cast<double>(comm_.sum(static_cast<std::uint64_t>(kept)));
    if (n == 0) return;  // mean 0, scale 1 (fit_scaling)
    FeatureMatrix one;
    one.rows = kept;
    one.dims = 1;
    one.values = std::move(column_);  // borrowed, not copied
    ValueRange range(1);
    range.add(one);
    range.reduce(comm_);
    ExactScalingSums sums(range);
    sums.add_values(one);
    p_.scaling.mean[j] = sums.means(comm_, n)[0];
    sums.add_deviations(one);
    p_.scaling.scale[j] = sums.scales(comm_, n)[0];
    column_ = std::move(one.values);
  }

  const mpi::Communicator& comm_;
  const io::File& file_;
  const io::TableInfo& table_;
  PreparedData& p_;
  const std::vector<std::string>& names_;
  const std::vector<TransformKind>& kinds_;
  std::vector<double> column_;  // one feature of the block, float64
  std::uint64_t dropped_here_ = 0;
  First first_bad_, first_range_;
};

}  // namespace

std::vector<std::string> select_features(const std::string& requested, const io::TableInfo& table,
                                         const std::string& file_path) {
  auto present = [&](const std::string& name) {
    return std::find(table.columns.begin(), table.columns.end(), name) != table.columns.end();
  };
  std::vector<std::string> names;
  if (requested.find_first_not_of(" \t,") == std::string::npos) {
    for (const auto& name : behavioural_columns())
      if (present(name)) names.push_back(name);
    if (names.empty())
      throw_input(file_path + " has none of the default behavioural columns; name the features with --features "
                  "(available: " + join(table.columns) + ")");
    for (const auto& name : names) table.require(name, "feature");
    return names;
  }
  std::stringstream stream(requested);
  std::string item;
  while (std::getline(stream, item, ',')) {
    const auto b = item.find_first_not_of(" \t");
    if (b == std::string::npos) continue;
    item = item.substr(b, item.find_last_not_of(" \t") - b + 1);
    // Header names as written, their escaped link names, or a unique case-insensitive match
    // (ingest keeps the source's names; see docs/input-csv.md).
    const auto resolved = ingest::resolve_column_name(table.columns, item);
    if (!resolved) {
      if (const auto several = ingest::case_insensitive_matches(table.columns, item); several.size() > 1)
        throw_usage("column '" + item + "' is ambiguous in " + file_path + ": it matches " + join(several) +
                    " ignoring case; write the name exactly");
      throw_input("column '" + item + "' not found in " + file_path + " (available: " + join(table.columns) + ")");
    }
    item = *resolved;
    if (std::find(names.begin(), names.end(), item) != names.end()) throw_usage("feature '" + item + "' listed twice");
    // Only selected columns are judged: text, bool or 2-D columns nobody asked for stay unread.
    table.require(item, "feature");
    names.push_back(item);
  }
  return names;
}

PreparedData prepare_features(const mpi::Communicator& comm, const io::File& file, const io::TableInfo& table,
                              const PrepareOptions& options) {
  PreparedData p;
  std::vector<std::string> names;
  std::vector<TransformKind> kinds;
  mpi::agree(comm, [&] {
    names = select_features(options.features, table, file.path());
    kinds = parse_transform_list(options.transform, names);
  });
  p.rows_total = table.rows;
  p.block = io::block_for_rank(table.rows, comm.rank(), comm.size());
  ColumnPreparer(comm, file, table, p, names, kinds)
      .run(options.nan_policy, "use --nan-policy drop to drop such rows", options.precision, nullptr, options.standardize);
  if (!options.standardize) p.mean_variance = center_only(p.scaling);
  return p;
}

PreparedData prepare_with_scaling(const mpi::Communicator& comm, const io::File& file, const io::TableInfo& table,
                                  const FeatureScaling& scaling, NanPolicy nan_policy, Precision precision) {
  PreparedData p;
  p.rows_total = table.rows;
  p.block = io::block_for_rank(table.rows, comm.rank(), comm.size());
  mpi::agree(comm, [&] {
    for (const auto& name : scaling.names) table.require(name, "feature");
  });
  // The given mean and scale, not this table's: the same standardization as the fit's data went
  // through, so a row gets the bits it had in training.
  ColumnPreparer(comm, file, table, p, scaling.names, scaling.kinds)
      .run(nan_policy, "the model's policy: clean the input, or refit with --nan-policy drop", precision, &scaling, true);
  return p;
}

void require_usable_rows(const PreparedData& p, std::uint64_t k, const std::string& file) {
  const std::uint64_t usable = p.rows_total - p.rows_dropped;
  if (p.rows_total > 0 && usable == 0)
    throw_input("all " + std::to_string(p.rows_total) + " rows of " + file + " have NaN/Inf (or a magnitude above " +
                "1e120) in a feature under --nan-policy drop; nothing is left to segment (check the features with "
                "--features, or clean the input)");
  if (k > usable)
    throw_input("k = " + std::to_string(k) + " exceeds the number of usable rows (" + std::to_string(usable) + " of " +
                std::to_string(p.rows_total) + ", " + std::to_string(p.rows_dropped) + " dropped for NaN/Inf)");
}

}  // namespace custseg::data
