// Distributed CSV splitting, the customer shuffle and the global sort, at 1-4 ranks. Tiny
// --read-block-bytes values make many parts per rank, so part boundaries fall inside quoted
// fields, inside doubled quotes and between CR and LF.
#include <gtest/gtest.h>

#include <deque>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <optional>

#include "custseg/ingest/csv_source.hpp"
#include "custseg/ingest/ingest_transactions.hpp"
#include "custseg/mpi/collective_guard.hpp"
#include "custseg/util/error.hpp"

using namespace custseg;
using namespace custseg::ingest;

namespace {

// One path for all ranks (rank 0's pid), written by rank 0 before anyone reads it.
std::string shared_file(const mpi::Communicator& comm, const std::string& name, const std::string& content) {
  std::string path;
  if (comm.is_root()) {
    path = (std::filesystem::temp_directory_path() / ("custseg-ingest-" + name + "-" + std::to_string(::getpid()) + ".csv")).string();
    std::ofstream(path, std::ios::binary) << content;
  }
  comm.broadcast(path, 0);
  return path;
}

void remove_shared(const mpi::Communicator& comm, const std::string& path) {
  comm.barrier();
  if (comm.is_root()) std::filesystem::remove(path);
}

// A CSV with long quoted fields holding commas, doubled quotes and line breaks, CRLF endings on
// some records, and a blank line.
std::string tricky_csv(int records) {
  std::string s = "id,text,amount\n";
  for (int i = 0; i < records; ++i) {
    s += std::to_string(i) + ",";
    if (i % 3 == 0) s += "\"line one, \"\"quoted\"\"\nline two\n, three\"";
    else if (i % 3 == 1) s += "plain " + std::to_string(i);
    else s += "\"\"";
    s += "," + std::to_string(i * 7) + (i % 4 == 0 ? "\r\n" : "\n");
    if (i == 5) s += "\n";
  }
  return s;
}

// (line, fields) of every record, parsed serially on this rank.
std::map<std::uint64_t, std::vector<std::string>> serial_records(const std::string& content) {
  std::map<std::uint64_t, std::vector<std::string>> out;
  CsvParser parser(content, 1, "t");
  CsvRecord r;
  parser.next(r);  // header
  while (parser.next(r))
    if (!r.blank()) out[r.line()] = r.fields();
  return out;
}

}  // namespace

class IngestSplit : public ::testing::TestWithParam<std::uint64_t> {};

TEST_P(IngestSplit, PartsTogetherHoldEveryRecordOnceWithItsLine) {
  const mpi::Communicator comm;
  const std::string content = tricky_csv(40);
  const std::string path = shared_file(comm, "split", content);
  std::optional<InputFile> file;
  mpi::agree(comm, [&] { file.emplace(path); });
  const CsvPlan plan = plan_csv_parts(comm, *file, GetParam());
  EXPECT_GE(plan.parts, static_cast<std::uint64_t>(comm.size()));

  // Each rank parses its parts; record lines and a field digest go to every rank.
  std::vector<std::int64_t> mine;
  std::map<std::uint64_t, std::vector<std::string>> local;
  parse_my_parts(comm, *file, plan, [&](const CsvRecord& r) {
    mine.push_back(static_cast<std::int64_t>(r.line()));
    local[r.line()] = r.fields();
  });
  const auto all = comm.allgatherv(std::span<const std::int64_t>(mine));
  const auto expected = serial_records(content);
  std::vector<std::int64_t> sorted(all.begin(), all.end());
  std::sort(sorted.begin(), sorted.end());
  std::vector<std::int64_t> expected_lines;
  for (const auto& [line, fields] : expected) expected_lines.push_back(static_cast<std::int64_t>(line));
  EXPECT_EQ(sorted, expected_lines) << "every record exactly once, with the serial parse's line number";
  for (const auto& [line, fields] : local) EXPECT_EQ(fields, expected.at(line)) << "line " << line;
  file.reset();
  remove_shared(comm, path);
}

// 0: one part per rank (the default for small files); 7, 13, 64: many parts, cut anywhere.
INSTANTIATE_TEST_SUITE_P(BlockBytes, IngestSplit, ::testing::Values(0, 7, 13, 64));

TEST(IngestSplitErrors, UnbalancedQuoteFailsOnEveryRankWithOneMessage) {
  const mpi::Communicator comm;
  std::string content = tricky_csv(30);
  content.insert(content.find("\n7,") + 3, "\"");  // opens a quote on line 16 that never closes properly
  const std::string path = shared_file(comm, "unbalanced", content);
  std::optional<InputFile> file;
  mpi::agree(comm, [&] { file.emplace(path); });
  for (const std::uint64_t block : {0ULL, 11ULL}) {
    const CsvPlan plan = plan_csv_parts(comm, *file, block);
    std::string message;
    try {
      parse_my_parts(comm, *file, plan, [](const CsvRecord&) {});
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ExitCode::input);
      message = e.what();
    }
    // The error a serial parse meets first, whatever the split: the quote opened on line 16
    // swallows lines 16-18 and is "closed" by line 18's opening quote.
    EXPECT_NE(message.find("unbalanced quotes: text follows the closing quote of the quoted field that starts on line 16"),
              std::string::npos) << "rank " << comm.rank() << ", block " << block << ": " << message;
  }
  file.reset();
  remove_shared(comm, path);
}

TEST(IngestShuffle, SummariesOfOneCustomerMeetOnOneRankAndMerge) {
  const mpi::Communicator comm;
  // Every rank holds a piece of customers 0..49: gross = id + rank, one invoice per rank.
  std::unordered_map<std::uint64_t, CustomerSummary> local;
  for (std::uint64_t id = 0; id < 50; ++id) {
    if ((id + static_cast<std::uint64_t>(comm.rank())) % 3 == 0) continue;  // not every rank sees every customer
    CustomerSummary s;
    s.id = id;
    s.gross = static_cast<std::int64_t>(id) + comm.rank();
    s.first_day = s.last_day = comm.rank();
    s.invoices = {"inv" + std::to_string(comm.rank()), "shared"};
    local[id] = s;
  }
  const Shuffled got = shuffle_by_customer(comm, std::move(local));
  std::vector<std::int64_t> summary;
  for (const auto& s : got.customers) {
    // The reference: what every rank contributed for this id, computed here for all ranks.
    std::int64_t gross = 0;
    std::size_t ranks_with = 0;
    for (int r = 0; r < comm.size(); ++r)
      if ((s.id + static_cast<std::uint64_t>(r)) % 3 != 0) {
        gross += static_cast<std::int64_t>(s.id) + r;
        ++ranks_with;
      }
    EXPECT_EQ(s.gross, gross) << "id " << s.id;
    EXPECT_EQ(s.invoices.size(), ranks_with + 1) << "distinct invoices: one per rank plus 'shared'";
    summary.push_back(static_cast<std::int64_t>(s.id));
  }
  const auto ids = comm.allgatherv(std::span<const std::int64_t>(summary));
  std::vector<std::int64_t> sorted(ids.begin(), ids.end());
  std::sort(sorted.begin(), sorted.end());
  std::vector<std::int64_t> expected;
  for (std::int64_t id = 0; id < 50; ++id) {
    bool seen = false;
    for (int r = 0; r < comm.size(); ++r) seen = seen || (id + r) % 3 != 0;
    if (seen) expected.push_back(id);
  }
  EXPECT_EQ(sorted, expected) << "each customer on exactly one rank";
}

TEST(IngestShuffle, GlobalSortGivesEachRankItsBlockInIdOrder) {
  const mpi::Communicator comm;
  // Rank r holds ids r, r+size, ... in reverse, so nothing starts where it must end.
  std::deque<CustomerFeatures> mine;
  const std::uint64_t total = 23;
  for (std::uint64_t id = total; id-- > 0;)
    if (id % static_cast<std::uint64_t>(comm.size()) == static_cast<std::uint64_t>(comm.rank())) {
      CustomerFeatures f;
      f.id = id * 1000;
      f.country = "c" + std::to_string(id);
      mine.push_back(f);
    }
  const SortedRows sorted = sort_globally(comm, std::move(mine));
  EXPECT_EQ(sorted.total, total);
  const io::RowBlock expected = io::block_for_rank(total, comm.rank(), comm.size());
  EXPECT_EQ(sorted.block.begin, expected.begin);
  ASSERT_EQ(sorted.rows.size(), expected.count);
  for (std::size_t i = 0; i < sorted.rows.size(); ++i) {
    EXPECT_EQ(sorted.rows[i].id, (expected.begin + i) * 1000);
    EXPECT_EQ(sorted.rows[i].country, "c" + std::to_string(expected.begin + i));
  }
}
