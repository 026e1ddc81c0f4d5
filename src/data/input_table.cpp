#include "custseg/data/input_table.hpp"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <limits>
#include <memory>
#include <optional>
#include <span>

#include "custseg/mpi/alltoallv.hpp"
#include "custseg/mpi/collective_guard.hpp"
#include "custseg/util/error.hpp"

namespace custseg::data {

InputTable open_input_table(const mpi::Communicator& comm, const std::string& path, const std::string& key,
                            const std::string& id_column) {
  // open_read checks the path (missing, a directory, not HDF5) on every rank and agrees first.
  std::optional<io::File> file;
  mpi::agree(comm, [&] { file.emplace(io::File::open_read(path, comm, key)); });
  io::TableInfo table;
  mpi::agree(comm, [&] {
    table = io::inspect_table(*file, key, id_column);
    // Said here, before any read: HDF5 cannot read an empty dataset that has no storage yet.
    if (table.rows == 0) throw_input("the table " + table.group + " in " + path + " has no rows");
  });
  return {std::move(*file), std::move(table)};
}

std::string table_attribute(const InputTable& input, const std::string& name) {
  try {
    if (!input.file.has_attribute(input.table.group, name)) return {};
    const auto v = input.file.read_string_attribute(input.table.group, name);
    return v.empty() ? std::string() : v.front();
  } catch (const std::exception&) {
    return {};  // not text (another tool's attribute of that name): not ours to read
  }
}

std::uint64_t select_consenting_rows(const mpi::Communicator& comm, InputTable& input, const std::string& column) {
  const io::RowBlock block = io::block_for_rank(input.table.rows, comm.rank(), comm.size());
  std::vector<double> values;
  mpi::agree(comm, [&] { values = io::read_column(input.file, input.table, column, block); });
  constexpr auto none = std::numeric_limits<std::int64_t>::max();
  std::int64_t mine = none;
  std::string problem;
  std::vector<char> keep(values.size());
  for (std::size_t i = 0; i < values.size(); ++i) {
    keep[i] = values[i] == 1.0 ? 1 : 0;
    if (mine == none && !(problem = io::consent_value_problem(values[i])).empty()) mine = static_cast<std::int64_t>(block.begin + i);
  }
  const std::int64_t first = comm.min(mine);
  mpi::agree(comm, [&] {
    if (first != none && mine == first)
      throw_input("--consent-column '" + column + "' of " + input.table.file + ": row " + std::to_string(first) +
                  " holds a value that " + problem + "; consent must be 0 (excluded) or 1");
  });
  // Blocks ascend with the rank, so the gathered flags are in row order.
  const std::vector<char> all = comm.allgatherv(std::span<const char>(keep), nullptr);
  auto selection = std::make_shared<const io::RowSelection>(std::vector<std::uint8_t>(all.begin(), all.end()));
  const std::uint64_t physical = input.table.rows;
  for (auto& c : input.table.details)
    if (c.rows == physical) c.rows = selection->rows();  // the table's columns, now seen through the view
  input.table.rows = selection->rows();
  input.table.selection = std::move(selection);
  return physical - input.table.rows;
}

std::string consent_summary(std::uint64_t excluded, const std::string& column) {
  std::string digits = std::to_string(excluded), grouped;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) grouped += ',';
    grouped += digits[i];
  }
  return grouped + (excluded == 1 ? " customer" : " customers") + " excluded: no consent (column " + column + ")";
}

namespace {

// Names the row and the problem, never the value: a mangled id is still an id (docs/privacy.md).
[[noreturn]] void bad_id(const std::string& column, const std::string& file, std::uint64_t row, const std::string& problem) {
  throw_input("id column '" + column + "' of " + file + ": row " + std::to_string(row) + " holds a value that " + problem +
              "; customer ids must be non-negative whole numbers below 2^64, or strings");
}

// Numbers read in the type that holds them exactly: uint64 as stored, int64 checked for sign,
// floats checked for being whole (HDF5 would convert NaN, -1 or 17850.5 to some other id).
std::vector<std::uint64_t> read_numeric_ids(const InputTable& in, const io::ColumnInfo& c, const io::RowBlock& block) {
  std::vector<std::uint64_t> ids(block.count);
  if (c.type == io::TypeClass::integer && c.is_unsigned) {
    io::read_table_rows<std::uint64_t>(in.file, in.table, c.where, block, ids);
    return ids;
  }
  if (c.type == io::TypeClass::integer) {
    std::vector<std::int64_t> v(block.count);
    io::read_table_rows<std::int64_t>(in.file, in.table, c.where, block, v);
    for (std::size_t i = 0; i < v.size(); ++i) {
      if (auto problem = signed_id_problem(v[i])) bad_id(c.name, in.table.file, in.table.file_row(block.begin + i), *problem);
      ids[i] = static_cast<std::uint64_t>(v[i]);
    }
    return ids;
  }
  std::vector<double> v(block.count);
  io::read_table_rows<double>(in.file, in.table, c.where, block, v);
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (auto problem = float_id_problem(v[i])) bad_id(c.name, in.table.file, in.table.file_row(block.begin + i), *problem);
    ids[i] = float_id(v[i]);
  }
  return ids;
}

}  // namespace

CustomerIds read_customer_ids(const mpi::Communicator& comm, const InputTable& input, const std::string& id_column,
                              const io::RowBlock& block) {
  const io::ColumnInfo* c = nullptr;
  mpi::agree(comm, [&] {
    c = &input.table.require(id_column, "id", /*text_ok=*/true);
    if (c->type == io::TypeClass::enumeration)
      throw_input("id column '" + id_column + "' of " + input.table.file + " holds an enumeration (a bool?), not ids");
  });
  CustomerIds ids;
  ids.text = c->kind == io::ColumnKind::text;
  // Text is read rank by rank (HDF5 has no collective variable-length reads), numbers collectively:
  // every rank reaches the same read in both cases, and errors are agreed after it.
  mpi::agree(comm, [&] {
    if (ids.text) ids.strings = io::read_table_strings(input.file, input.table, c->where, block);
    else ids.numbers = read_numeric_ids(input, *c, block);
  });
  return ids;
}

namespace {

std::uint64_t record_bytes(const CustomerIds& ids) {
  std::uint64_t total = 0;
  for (std::size_t i = 0; i < ids.size(); ++i) total += 16 + (ids.text ? ids.strings[i].size() : 8);
  return total;
}

// Records of (global row, id bytes) of this round, bucketed by the rank that owns each id.
std::vector<std::vector<char>> bucket_ids(const CustomerIds& ids, const io::RowBlock& block, int ranks,
                                          std::uint64_t round, std::uint64_t rounds) {
  std::vector<std::vector<char>> out(static_cast<std::size_t>(ranks));
  const auto p = static_cast<std::uint64_t>(ranks);
  for (std::size_t i = 0; i < ids.size(); ++i) {
    const std::string key = ids.key(i);
    const std::uint64_t h = id_hash(key);
    if (h / p % rounds != round) continue;
    auto& buf = out[static_cast<std::size_t>(h % p)];
    const std::uint64_t row = block.begin + i, length = key.size();
    const auto at = buf.size();
    buf.resize(at + 16 + key.size());
    std::memcpy(&buf[at], &row, 8);
    std::memcpy(&buf[at + 8], &length, 8);
    std::memcpy(&buf[at + 16], key.data(), key.size());
  }
  return out;
}

std::vector<IdRecord> unpack_records(const std::vector<char>& bytes) {
  std::vector<IdRecord> records;
  for (std::size_t at = 0; at + 16 <= bytes.size();) {
    IdRecord r;
    std::uint64_t length = 0;
    std::memcpy(&r.row, &bytes[at], 8);
    std::memcpy(&length, &bytes[at + 8], 8);
    r.key.assign(&bytes[at + 16], static_cast<std::size_t>(length));
    at += 16 + static_cast<std::size_t>(length);
    records.push_back(std::move(r));
  }
  return records;
}

// This rank's earliest repeat among the ids it owns, over as many rounds as the largest block
// needs (every rank takes part in every round's exchange).
std::optional<Repeat> owned_first_repeat(const mpi::Communicator& comm, const CustomerIds& ids,
                                         const io::RowBlock& block, std::uint64_t round_bytes) {
  const auto most = static_cast<std::uint64_t>(comm.max(static_cast<std::int64_t>(record_bytes(ids))));
  const std::uint64_t budget = std::max<std::uint64_t>(1, round_bytes);
  const std::uint64_t rounds = std::max<std::uint64_t>(1, (most + budget - 1) / budget);
  std::optional<Repeat> best;
  for (std::uint64_t round = 0; round < rounds; ++round) {
    std::vector<IdRecord> mine =
        unpack_records(mpi::alltoallv_bytes(comm, bucket_ids(ids, block, comm.size(), round, rounds)).bytes);
    const std::optional<Repeat> repeat = first_repeat(mine);
    if (repeat && (!best || repeat->row < best->row)) best = repeat;
  }
  return best;
}

// The first and last id of a block as bytes whose byte-wise order is the ids' order (numbers
// big-endian), for comparing across ranks.
std::string ordered_bytes(const CustomerIds& ids, std::size_t i) {
  if (ids.text) return ids.strings[i];
  std::string bytes(8, '\0');
  for (int b = 0; b < 8; ++b) bytes[static_cast<std::size_t>(b)] = static_cast<char>(ids.numbers[i] >> (8 * (7 - b)));
  return bytes;
}

// Collective (one allgather of two ids a rank): the ids of all ranks in row order are strictly
// increasing, as in tables written sorted by id (ingest, generate): each rank's are, and each
// non-empty block starts above the last id of the non-empty block before it.
bool globally_increasing(const mpi::Communicator& comm, const CustomerIds& ids) {
  std::vector<std::string> mine{strictly_increasing(ids) ? "sorted" : "unsorted"};
  if (ids.size() > 0) {
    mine.push_back(ordered_bytes(ids, 0));
    mine.push_back(ordered_bytes(ids, ids.size() - 1));
  }
  const mpi::ReceivedBytes all = mpi::allgatherv_bytes(comm, mpi::pack_strings(mine));
  std::optional<std::string> last;  // of the blocks so far
  for (int r = 0; r < comm.size(); ++r) {
    const auto at = static_cast<std::size_t>(all.offsets[static_cast<std::size_t>(r)]);
    const auto end = static_cast<std::size_t>(all.offsets[static_cast<std::size_t>(r) + 1]);
    const std::vector<std::string> part = mpi::unpack_strings(all.bytes.data() + at, end - at);
    if (part[0] != "sorted") return false;
    if (part.size() < 3) continue;  // an empty block
    if (last && !(*last < part[1])) return false;
    last = part[2];
  }
  return true;
}

// This round's fingerprints (customer_ids.hpp), as bytes bucketed by the rank that owns each
// (counted first, so each bucket is allocated once at its size).
std::vector<std::vector<char>> bucket_fingerprints(const std::vector<std::uint64_t>& fingerprints, int ranks,
                                                   std::uint64_t round, std::uint64_t rounds) {
  const auto p = static_cast<std::uint64_t>(ranks);
  auto owner = [&](std::uint64_t f) -> std::optional<std::size_t> {
    const std::uint64_t h = fingerprint_spread(f);
    if (h / p % rounds != round) return std::nullopt;
    return static_cast<std::size_t>(h % p);
  };
  std::vector<std::size_t> count(static_cast<std::size_t>(ranks), 0);
  for (const std::uint64_t f : fingerprints)
    if (const auto r = owner(f)) ++count[*r];
  std::vector<std::vector<char>> out(count.size());
  for (std::size_t r = 0; r < out.size(); ++r) out[r].resize(count[r] * sizeof(std::uint64_t));
  std::fill(count.begin(), count.end(), 0);
  for (const std::uint64_t f : fingerprints)
    if (const auto r = owner(f)) std::memcpy(out[*r].data() + sizeof(std::uint64_t) * count[*r]++, &f, sizeof f);
  return out;
}

// Collective: whether two ids might be equal, from 8 bytes an id sent to the rank owning its
// fingerprint (in rounds of at most `round_bytes`, as the exact search) and sorted there. Equal
// ids always meet; false only when every id differs.
bool fingerprints_repeat(const mpi::Communicator& comm, const CustomerIds& ids, std::uint64_t round_bytes) {
  std::vector<std::uint64_t> fingerprints(ids.size());
  for (std::size_t i = 0; i < ids.size(); ++i) fingerprints[i] = id_fingerprint(ids, i);
  const auto most = static_cast<std::uint64_t>(comm.max(static_cast<std::int64_t>(8 * ids.size())));
  const std::uint64_t budget = std::max<std::uint64_t>(1, round_bytes);
  const std::uint64_t rounds = std::max<std::uint64_t>(1, (most + budget - 1) / budget);
  bool equal = false;
  for (std::uint64_t round = 0; round < rounds; ++round) {
    const mpi::ReceivedBytes got = mpi::alltoallv_bytes(comm, bucket_fingerprints(fingerprints, comm.size(), round, rounds));
    std::vector<std::uint64_t> owned(got.bytes.size() / sizeof(std::uint64_t));
    if (!owned.empty()) std::memcpy(owned.data(), got.bytes.data(), owned.size() * sizeof(std::uint64_t));
    equal = sort_and_find_equal(owned) || equal;
  }
  return comm.max(std::int64_t{equal}) > 0;
}

}  // namespace

void check_unique_ids(const mpi::Communicator& comm, const CustomerIds& ids, const io::RowBlock& block,
                      const std::string& id_column, const std::string& file, std::uint64_t round_bytes,
                      const Pseudonymizer* pseudonyms) {
  // The screens prove the common case, all ids different, in about one pass over the ids; only
  // when they cannot does the exact search below sort every id with its row to name the repeat.
  if (globally_increasing(comm, ids) || !fingerprints_repeat(comm, ids, round_bytes)) return;
  const std::optional<Repeat> repeat = owned_first_repeat(comm, ids, block, round_bytes);
  // Each id lives on one rank, so the smallest repeated row is found on exactly one: its owner
  // words the message for everyone.
  constexpr auto none = std::numeric_limits<std::int64_t>::max();
  const std::int64_t first = comm.min(repeat ? static_cast<std::int64_t>(repeat->row) : none);
  if (first == none) return;
  std::string message;
  if (repeat && static_cast<std::int64_t>(repeat->row) == first)
    message = "id column '" + id_column + "' of " + file + " holds a customer id more than once: rows " +
              std::to_string(repeat->first_row) + " and " + std::to_string(repeat->row) + " (the first repeat" +
              (pseudonyms ? "; its pseudonym " + pseudonyms->pseudonym(key_text(repeat->key, ids.text)) : std::string()) +
              "); ids must be unique, or pass --allow-duplicate-ids";
  const std::int64_t owner = comm.min(message.empty() ? std::int64_t{comm.size()} : std::int64_t{comm.rank()});
  comm.broadcast(message, static_cast<int>(owner));
  throw_input(message);  // every rank, with the same message: agreed by construction
}

}  // namespace custseg::data
