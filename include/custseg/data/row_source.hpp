#pragma once
// The k-means input of this rank, one chunk of rows at a time (data larger than memory).
//
// InMemoryRows is one chunk: the prepared FeatureMatrix itself. Hdf5ChunkedRows re-reads this
// rank's block from the customer table in chunks of at most `chunk_rows` rows, and gives each
// chunk exactly the values preparation would have given it: the same transform, the same
// standardization with the already-fitted scaling, the same rounding to the storage precision,
// one value at a time. Since every sum over rows is exact (Int128) and every per-row result is
// independent of where the row sits in a chunk or tile, a streamed run gives the same bits as an
// in-memory one (tests/integration/test_streaming.cpp).
//
// Reads of parallel HDF5 files are collective, so chunk() and rows_at() of a streaming source
// are collective: every rank calls chunk() for the same index sequence (chunk_count() is the
// same everywhere; ranks past their last row read empty chunks) and rows_at() the same number
// of times.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "custseg/data/feature_matrix.hpp"
#include "custseg/data/prepare.hpp"
#include "custseg/data/streaming_plan.hpp"
#include "custseg/data/transform.hpp"
#include "custseg/io/hdf5.hpp"
#include "custseg/io/partition.hpp"
#include "custseg/mpi/communicator.hpp"
#include "custseg/util/log.hpp"

namespace custseg::data {

class RowSource {
 public:
  virtual ~RowSource() = default;
  [[nodiscard]] virtual std::size_t rows() const = 0;  // local rows
  [[nodiscard]] virtual std::size_t dims() const = 0;
  [[nodiscard]] virtual Precision precision() const = 0;
  [[nodiscard]] virtual std::size_t chunk_count() const = 0;      // the same on every rank
  [[nodiscard]] virtual std::size_t chunk_begin(std::size_t index) const = 0;  // first local row
  // Global index of local row i: the key of every random choice about it.
  [[nodiscard]] virtual std::uint64_t global_row(std::size_t i) const = 0;
  // Chunk `index` (its global_row(0) is global_row(chunk_begin(index))). Valid until the next
  // call. Collective for streaming sources.
  virtual const FeatureMatrix& chunk(std::size_t index) = 0;
  // The given local rows, in the given order, in the storage precision. Collective: ranks may
  // ask for different numbers of rows (none included).
  virtual FeatureMatrix rows_at(const mpi::Communicator& comm, const std::vector<std::size_t>& local_rows) = 0;
  [[nodiscard]] virtual bool streaming() const = 0;
};

class InMemoryRows final : public RowSource {
 public:
  explicit InMemoryRows(const FeatureMatrix& x) : x_(x) {}
  [[nodiscard]] std::size_t rows() const override { return x_.rows; }
  [[nodiscard]] std::size_t dims() const override { return x_.dims; }
  [[nodiscard]] Precision precision() const override { return x_.precision; }
  [[nodiscard]] std::size_t chunk_count() const override { return 1; }
  [[nodiscard]] std::size_t chunk_begin(std::size_t) const override { return 0; }
  [[nodiscard]] std::uint64_t global_row(std::size_t i) const override { return x_.global_row(i); }
  const FeatureMatrix& chunk(std::size_t) override { return x_; }
  FeatureMatrix rows_at(const mpi::Communicator& comm, const std::vector<std::size_t>& local_rows) override;
  [[nodiscard]] bool streaming() const override { return false; }

 private:
  const FeatureMatrix& x_;
};

class Hdf5ChunkedRows final : public RowSource {
 public:
  // `file` must outlive this source. `scaling` is applied as preparation does (it only centres
  // when the run does not standardize: center_only, transform.hpp).
  Hdf5ChunkedRows(const mpi::Communicator& comm, const io::File& file, io::TableInfo table, const io::RowBlock& block,
                  FeatureScaling scaling, Precision precision, std::uint64_t chunk_rows);
  [[nodiscard]] std::size_t rows() const override { return block_.count; }
  [[nodiscard]] std::size_t dims() const override { return scaling_.names.size(); }
  [[nodiscard]] Precision precision() const override { return precision_; }
  [[nodiscard]] std::size_t chunk_count() const override { return chunks_; }
  [[nodiscard]] std::size_t chunk_begin(std::size_t index) const override;
  [[nodiscard]] std::uint64_t global_row(std::size_t i) const override { return block_.begin + i; }
  const FeatureMatrix& chunk(std::size_t index) override;
  FeatureMatrix rows_at(const mpi::Communicator& comm, const std::vector<std::size_t>& local_rows) override;
  [[nodiscard]] bool streaming() const override { return true; }
  [[nodiscard]] std::uint64_t chunk_rows() const { return chunk_rows_; }

 private:
  // Rows [block.begin, block.end()) of the file, prepared like preparation does.
  FeatureMatrix load(const io::RowBlock& rows) const;
  const io::File& file_;
  io::TableInfo table_;  // where each column lies in the file
  io::RowBlock block_;
  FeatureScaling scaling_;
  Precision precision_;
  std::uint64_t chunk_rows_;
  std::size_t chunks_;
  FeatureMatrix current_;
};

// Preparation without holding the block: validates and fits the scaling in passes over chunks
// of the file (the same exact sums as fit_scaling), and returns the chunked source. `prepared`
// gets everything but the feature values (x.rows and x.dims are set, x.values stay empty).
// Collective. A row dropped under --nan-policy drop is not supported while streaming (usage
// error); rows with NaN/Inf under the fail policy fail as in memory. Logs a line per pass.
std::unique_ptr<Hdf5ChunkedRows> prepare_streaming(const mpi::Communicator& comm, const io::File& file,
                                                   const io::TableInfo& table, const PrepareOptions& options,
                                                   std::uint64_t chunk_rows, PreparedData& prepared, const Logger& log);

// The same with a fitted scaling (`custseg score`): one validation pass (a NaN/Inf row is an
// input error under either policy, since a stream cannot drop it), then the chunked source
// applying `scaling`. Collective.
std::unique_ptr<Hdf5ChunkedRows> prepare_streaming_with_scaling(const mpi::Communicator& comm, const io::File& file,
                                                                const io::TableInfo& table, const FeatureScaling& scaling,
                                                                Precision precision, std::uint64_t chunk_rows,
                                                                PreparedData& prepared, const Logger& log);

}  // namespace custseg::data
