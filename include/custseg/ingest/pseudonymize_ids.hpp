#pragma once
// ingest --pseudonymize-ids (docs/privacy.md): the customer table's id column becomes a text
// column of HMAC-SHA256 pseudonyms, so the table and everything made from it carry no customer id.
#include <vector>

#include "custseg/ingest/table_writer.hpp"
#include "custseg/mpi/communicator.hpp"
#include "custseg/util/pseudonymize.hpp"

namespace custseg::ingest {

// Collective. Replaces the column named customer_id, whether numbers in `columns` (this rank's
// rows, in the order of layout.blocks) or text in `text_columns` (all rows), by a text column of
// the ids' pseudonyms (a number id as its decimal text), all rows in row order on every rank.
// The row order stays that of the ids.
void pseudonymize_id_column(const mpi::Communicator& comm, const Pseudonymizer& pseudonyms, const TableLayout& layout,
                            std::vector<OutputColumn>& columns, std::vector<TextColumn>& text_columns);

}  // namespace custseg::ingest
