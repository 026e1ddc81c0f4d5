#include "custseg/ingest/pseudonymize_ids.hpp"

#include <algorithm>
#include <span>
#include <string>

#include "custseg/mpi/alltoallv.hpp"

namespace custseg::ingest {

namespace {

constexpr const char* kIdColumn = "customer_id";
constexpr std::pair<const char*, const char*> kPseudonymAttribute{"pseudonym", "HMAC-SHA256(key, id), lowercase hex"};

// This rank's numeric ids as pseudonyms, gathered into row order on every rank.
std::vector<std::string> gathered_pseudonyms(const mpi::Communicator& comm, const Pseudonymizer& pseudonyms,
                                             const TableLayout& layout, const std::vector<std::uint64_t>& ids) {
  std::vector<std::string> mine;
  std::vector<std::int64_t> rows;
  mine.reserve(ids.size());
  for (const std::uint64_t id : ids) mine.push_back(pseudonyms.pseudonym(std::to_string(id)));
  for (const auto& b : layout.blocks)
    for (std::uint64_t r = 0; r < b.count; ++r) rows.push_back(static_cast<std::int64_t>(b.begin + r));
  // Both gathers concatenate in rank order, so the i-th string belongs to the i-th row number.
  const mpi::ReceivedBytes got = mpi::allgatherv_bytes(comm, mpi::pack_strings(mine));
  const std::vector<std::string> strings = mpi::unpack_strings(got.bytes.data(), got.bytes.size());
  const std::vector<std::int64_t> positions = comm.allgatherv(std::span<const std::int64_t>(rows));
  std::vector<std::string> all(layout.total_rows);
  for (std::size_t i = 0; i < strings.size(); ++i) all[static_cast<std::size_t>(positions[i])] = strings[i];
  return all;
}

}  // namespace

void pseudonymize_id_column(const mpi::Communicator& comm, const Pseudonymizer& pseudonyms, const TableLayout& layout,
                            std::vector<OutputColumn>& columns, std::vector<TextColumn>& text_columns) {
  const auto text = std::find_if(text_columns.begin(), text_columns.end(), [](const TextColumn& c) { return c.name == kIdColumn; });
  if (text != text_columns.end()) {  // already all rows on every rank: no exchange
    for (auto& id : text->all_rows) id = pseudonyms.pseudonym(id);
    text->attributes.emplace_back(kPseudonymAttribute);
    return;
  }
  // Every rank holds the same column list, so every rank takes this branch (or none): collective.
  const auto number = std::find_if(columns.begin(), columns.end(), [](const OutputColumn& c) { return c.name == kIdColumn; });
  if (number == columns.end()) return;
  TextColumn out{kIdColumn, gathered_pseudonyms(comm, pseudonyms, layout, std::get<std::vector<std::uint64_t>>(number->values)),
                 number->attributes};
  out.attributes.emplace_back(kPseudonymAttribute);
  columns.erase(number);
  text_columns.insert(text_columns.begin(), std::move(out));
}

}  // namespace custseg::ingest
