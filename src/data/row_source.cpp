#include "custseg/data/row_source.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "custseg/data/scaling_fit.hpp"
#include "custseg/io/customer_table.hpp"
#include "custseg/mpi/collective_guard.hpp"
#include "custseg/mpi/exact_sum.hpp"
#include "custseg/util/byte_size.hpp"
#include "custseg/util/error.hpp"
#include "custseg/util/log.hpp"
#include "custseg/util/progress.hpp"

namespace custseg::data {

namespace {

// Copies the given rows of x (any storage) into a new matrix of the same storage.
FeatureMatrix copy_rows(const FeatureMatrix& x, const std::vector<std::size_t>& local_rows) {
  FeatureMatrix out;
  out.rows = local_rows.size();
  out.dims = x.dims;
  out.precision = x.precision;
  for (std::size_t i : local_rows) out.global_rows.push_back(x.global_row(i));
  visit_rows(x, [&](const auto* rows) {
    using T = std::remove_const_t<std::remove_pointer_t<decltype(rows)>>;
    std::vector<T> values;
    values.reserve(out.rows * out.dims);
    for (std::size_t i : local_rows) values.insert(values.end(), rows + i * x.dims, rows + (i + 1) * x.dims);
    if constexpr (sizeof(T) == sizeof(float)) out.values32 = std::move(values);
    else out.values = std::move(values);
  });
  return out;
}

// Unusable transformed values (transform.hpp: not finite, or too large): an input error under
// policy fail, a count of rows otherwise.
std::uint64_t check_finite(const FeatureMatrix& m, const std::vector<std::string>& names,
                           const std::vector<TransformKind>& kinds, NanPolicy policy) {
  std::uint64_t bad_rows = 0;
  for (std::size_t i = 0; i < m.rows; ++i) {
    bool bad = false;
    for (std::size_t j = 0; j < m.dims; ++j) {
      const double v = m.row(i)[j];
      if (usable_value(v, v)) continue;
      if (policy == NanPolicy::fail) {
        std::ostringstream msg;
        msg << "feature '" << names[j] << "' is " << (std::isfinite(v) ? "beyond the accepted magnitude" : "not finite");
        if (kinds[j] != TransformKind::none) msg << " after " << to_string(kinds[j]);
        msg << " at row " << m.global_row(i) << "; nan-policy is fail (use --nan-policy drop to drop such rows)";
        throw_input(msg.str());
      }
      bad = true;
    }
    if (bad) ++bad_rows;
  }
  return bad_rows;
}

// Raw values beyond kMaxFeatureMagnitude, which a transform could hide (log1p(1e200) is 460) but
// the statistics in original units would still square: an input error naming the first one.
// (Streaming cannot drop rows, so no policy applies.)
void check_raw_magnitudes(const FeatureMatrix& m, const std::vector<std::string>& names,
                          const std::vector<TransformKind>& kinds) {
  for (std::size_t i = 0; i < m.rows; ++i)
    for (std::size_t j = 0; j < m.dims; ++j) {
      const double raw = m.row(i)[j];
      if (!std::isfinite(raw) || std::abs(raw) <= kMaxFeatureMagnitude) continue;
      throw_input(unusable_value_message(names[j], raw, kinds[j], apply_transform(kinds[j], raw), m.global_row(i)));
    }
}

}  // namespace

FeatureMatrix InMemoryRows::rows_at(const mpi::Communicator&, const std::vector<std::size_t>& local_rows) {
  return copy_rows(x_, local_rows);
}

Hdf5ChunkedRows::Hdf5ChunkedRows(const mpi::Communicator& comm, const io::File& file, io::TableInfo table,
                                 const io::RowBlock& block, FeatureScaling scaling, Precision precision,
                                 std::uint64_t chunk_rows)
    : file_(file),
      table_(std::move(table)),
      block_(block),
      scaling_(std::move(scaling)),
      precision_(precision),
      chunk_rows_(std::max<std::uint64_t>(1, chunk_rows)) {
  // Rank 0 holds the largest block, so its chunk count is everyone's (ranks that run out of rows
  // keep joining the collective reads with empty chunks).
  chunks_ = static_cast<std::size_t>(io::chunk_count(static_cast<std::uint64_t>(comm.max(static_cast<std::int64_t>(block.count))), chunk_rows_));
}

std::size_t Hdf5ChunkedRows::chunk_begin(std::size_t index) const {
  return static_cast<std::size_t>(io::chunk_of(block_, chunk_rows_, index).begin - block_.begin);
}

FeatureMatrix Hdf5ChunkedRows::load(const io::RowBlock& rows) const {
  // The operations of prepare_features, in its order, on these rows only.
  FeatureMatrix m = io::read_features(file_, table_, scaling_.names, rows);
  apply_transforms(scaling_.kinds, m);
  standardize(scaling_, m);  // without --standardize, the scaling only centres (center_only)
  check_kmeans_range(m, scaling_.names, precision_);
  m.store_as(precision_);
  return m;
}

const FeatureMatrix& Hdf5ChunkedRows::chunk(std::size_t index) {
  current_ = FeatureMatrix();  // release the previous chunk before reading the next
  current_ = load(io::chunk_of(block_, chunk_rows_, index));
  return current_;
}

FeatureMatrix Hdf5ChunkedRows::rows_at(const mpi::Communicator& comm, const std::vector<std::size_t>& local_rows) {
  const auto most = static_cast<std::size_t>(comm.max(static_cast<std::int64_t>(local_rows.size())));
  if (most > chunks_) {
    // Many rows (a silhouette sample): one pass over the chunks is cheaper than a read per row.
    std::vector<std::size_t> order(local_rows.size());
    for (std::size_t t = 0; t < order.size(); ++t) order[t] = t;
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return local_rows[a] < local_rows[b]; });
    FeatureMatrix out;
    out.rows = local_rows.size();
    out.dims = dims();
    out.precision = precision_;
    for (std::size_t i : local_rows) out.global_rows.push_back(block_.begin + i);
    out.values.resize(precision_ == Precision::float64 ? out.rows * out.dims : 0);
    out.values32.resize(precision_ == Precision::float32 ? out.rows * out.dims : 0);
    std::size_t next = 0;
    for (std::size_t c = 0; c < chunks_; ++c) {
      const std::size_t begin = chunk_begin(c);
      const FeatureMatrix& x = chunk(c);
      for (; next < order.size() && local_rows[order[next]] < begin + x.rows; ++next) {
        const std::size_t i = local_rows[order[next]] - begin, t = order[next];
        if (precision_ == Precision::float32)
          std::copy_n(x.values32.data() + i * x.dims, x.dims, out.values32.data() + t * x.dims);
        else
          std::copy_n(x.values.data() + i * x.dims, x.dims, out.values.data() + t * x.dims);
      }
    }
    current_ = FeatureMatrix();
    return out;
  }
  FeatureMatrix out;
  out.rows = local_rows.size();
  out.dims = dims();
  out.precision = precision_;
  // A few rows: one collective read each; every rank makes as many as the rank asking for most.
  for (std::size_t t = 0; t < most; ++t) {
    const bool mine = t < local_rows.size();
    const io::RowBlock one{mine ? block_.begin + local_rows[t] : block_.begin, mine ? 1u : 0u};
    const FeatureMatrix row = load(one);
    if (!mine) continue;
    out.global_rows.push_back(one.begin);
    out.values.insert(out.values.end(), row.values.begin(), row.values.end());
    out.values32.insert(out.values32.end(), row.values32.begin(), row.values32.end());
  }
  return out;
}

std::unique_ptr<Hdf5ChunkedRows> prepare_streaming(const mpi::Communicator& comm, const io::File& file,
                                                   const io::TableInfo& table, const PrepareOptions& options,
                                                   std::uint64_t chunk_rows, PreparedData& p, const Logger& log) {
  std::vector<std::string> names;
  std::vector<TransformKind> kinds;
  mpi::agree(comm, [&] {
    names = select_features(options.features, table, file.path());
    kinds = parse_transform_list(options.transform, names);
  });
  p = PreparedData();
  p.rows_total = table.rows;
  p.block = io::block_for_rank(table.rows, comm.rank(), comm.size());
  const std::size_t d = names.size();
  const std::uint64_t chunks = io::chunk_count(io::block_for_rank(table.rows, 0, comm.size()).count, chunk_rows);

  // Transformed (not yet standardized) chunks: the values fit_scaling sees in memory. Each pass
  // reads the whole table, so each gets a progress line (tens of seconds at 1e8 rows).
  int pass = 0;
  auto for_each_chunk = [&](auto&& work) {
    const Stopwatch clock;
    ++pass;
    Progress progress(log, "  prepare pass " + std::to_string(pass) + "/3", static_cast<double>(chunks), "chunks");
    for (std::uint64_t c = 0; c < chunks; ++c) {
      FeatureMatrix m;
      mpi::agree(comm, [&] {
        m = io::read_features(file, table, names, io::chunk_of(p.block, chunk_rows, c));
        check_raw_magnitudes(m, names, kinds);
        apply_transforms(kinds, m);
      });
      work(m);
      progress.update(static_cast<double>(c + 1));
    }
    log.info("  prepare pass " + std::to_string(pass) + "/3 (" +
             (pass == 1 ? "validation, ranges" : pass == 2 ? "exact means" : "exact deviations") + "): " +
             std::to_string(clock.seconds()) + " s");
  };

  // Pass 1: validation and the per-feature maximum magnitude (fixes the fixed-point scales).
  ValueRange range(d);
  std::uint64_t bad_here = 0;
  for_each_chunk([&](const FeatureMatrix& m) {
    mpi::agree(comm, [&] { bad_here += check_finite(m, names, kinds, options.nan_policy); });
    range.add(m);
  });
  const std::uint64_t bad = comm.sum(bad_here);
  mpi::agree(comm, [&] {
    if (bad > 0)
      throw_usage(std::to_string(bad) + " rows have NaN/Inf features and --nan-policy is drop: dropping rows is not "
                  "supported while streaming under --memory-limit (raise the limit, or clean the input)");
  });
  range.reduce(comm);

  // Passes 2 and 3: fit_scaling's two exact sums (src/data/transform.cpp), chunk by chunk.
  FeatureScaling s{names, kinds, std::vector<double>(d, 0.0), std::vector<double>(d, 1.0)};
  const auto n = static_cast<double>(table.rows);
  if (n > 0) {
    ExactScalingSums sums(range);
    for_each_chunk([&](const FeatureMatrix& m) { sums.add_values(m); });
    s.mean = sums.means(comm, n);
    for_each_chunk([&](const FeatureMatrix& m) { sums.add_deviations(m); });
    s.scale = sums.scales(comm, n);
  }
  if (!options.standardize) p.mean_variance = center_only(s);
  p.scaling = s;
  p.x.rows = p.block.count;
  p.x.dims = d;
  p.x.global_begin = p.block.begin;
  p.x.precision = options.precision;
  return std::make_unique<Hdf5ChunkedRows>(comm, file, table, p.block, std::move(s), options.precision, chunk_rows);
}

std::unique_ptr<Hdf5ChunkedRows> prepare_streaming_with_scaling(const mpi::Communicator& comm, const io::File& file,
                                                                const io::TableInfo& table, const FeatureScaling& scaling,
                                                                Precision precision, std::uint64_t chunk_rows,
                                                                PreparedData& p, const Logger& log) {
  p = PreparedData();
  p.rows_total = table.rows;
  p.block = io::block_for_rank(table.rows, comm.rank(), comm.size());
  p.scaling = scaling;
  const std::uint64_t chunks = io::chunk_count(io::block_for_rank(table.rows, 0, comm.size()).count, chunk_rows);
  // One validation pass (nothing to fit): a row the in-memory path would drop cannot be skipped
  // in a stream, so under either policy an unusable value is refused here, before any output.
  const Stopwatch clock;
  std::uint64_t bad_here = 0;
  for (std::uint64_t c = 0; c < chunks; ++c) {
    mpi::agree(comm, [&] {
      FeatureMatrix m = io::read_features(file, table, scaling.names, io::chunk_of(p.block, chunk_rows, c));
      check_raw_magnitudes(m, scaling.names, scaling.kinds);
      apply_transforms(scaling.kinds, m);
      bad_here += check_finite(m, scaling.names, scaling.kinds, NanPolicy::drop);
    });
  }
  const std::uint64_t bad = comm.sum(bad_here);
  mpi::agree(comm, [&] {
    if (bad > 0)
      throw_input(std::to_string(bad) + " rows have NaN/Inf features: rows cannot be dropped while streaming under "
                  "--memory-limit (raise the limit, or clean the input)");
  });
  log.info("  validation pass: " + std::to_string(clock.seconds()) + " s");
  p.x.rows = p.block.count;
  p.x.dims = scaling.names.size();
  p.x.global_begin = p.block.begin;
  p.x.precision = precision;
  return std::make_unique<Hdf5ChunkedRows>(comm, file, table, p.block, scaling, precision, chunk_rows);
}

}  // namespace custseg::data
