#pragma once
// Opening the customer table a job reads (segment, sweep): the checks each job makes before its
// first collective read, each agreed across ranks so that all ranks fail together with one message.
#include <string>

#include "custseg/data/prepare.hpp"
#include "custseg/io/customer_table.hpp"
#include "custseg/io/hdf5.hpp"
#include "custseg/mpi/communicator.hpp"

namespace custseg::data {

struct InputTable {
  io::File file;        // opened for parallel reading by every rank of the communicator
  io::TableInfo table;  // /customers, checked by io::inspect_table
};

// Collective. Input errors: the file is missing, is not HDF5, or its /customers table is malformed.
InputTable open_input_table(const mpi::Communicator& comm, const std::string& path);

}  // namespace custseg::data
