#pragma once
// Writes the columnar customer table (DESIGN.md, "Data on disk") in parallel: every rank creates
// the same datasets and attributes (HDF5 metadata calls are collective), then writes its rows.
// The file is written under <path>.partial and renamed when complete; no timestamps are stored,
// so the bytes depend only on the content, never on the number of ranks.
#include <cstdint>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "custseg/io/partition.hpp"
#include "custseg/mpi/communicator.hpp"

namespace custseg::ingest {

using ColumnValues =
    std::variant<std::vector<std::uint64_t>, std::vector<std::int32_t>, std::vector<std::int64_t>, std::vector<double>>;

struct OutputColumn {
  std::string name;
  ColumnValues values;                   // this rank's rows, its blocks concatenated in order
  std::vector<std::string> categories;   // labels of an integer-coded categorical column
  std::vector<std::pair<std::string, std::string>> attributes;  // e.g. {"role", "kpi"}
};

// A text column (string customer ids): all rows, the same on every rank. Written by rank 0 after
// the parallel file is closed, as variable-length UTF-8 strings (parallel HDF5 1.10 cannot write
// variable-length data); the bytes still depend only on the content.
struct TextColumn {
  std::string name;
  std::vector<std::string> all_rows;
  std::vector<std::pair<std::string, std::string>> attributes;
};

struct TableLayout {
  std::uint64_t total_rows = 0;
  std::vector<io::RowBlock> blocks;  // this rank's global row blocks, in the order of its values
  std::size_t max_blocks = 0;        // the largest block count of any rank (collective steps)
  std::vector<std::pair<std::string, std::string>> group_attributes;  // on /customers
};

// Collective; errors are agreed (every rank throws the same). Overwrites `path` only at the end.
void write_customer_table(const mpi::Communicator& comm, const std::string& path, const TableLayout& layout,
                          const std::vector<OutputColumn>& columns, const std::vector<TextColumn>& text_columns = {});

}  // namespace custseg::ingest
