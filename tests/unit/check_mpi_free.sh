#!/usr/bin/env bash
# The MPI-free core stays MPI-free (CMakeLists.txt, custseg_local): the unit-test binary, which
# links only the core, must not load libmpi or libhdf5, and neither it nor the core library may
# reference an MPI_* or H5* symbol.
#   check_mpi_free.sh UNIT_TEST_BINARY CORE_LIBRARY
set -euo pipefail
binary=$1 core=$2
status=0
if ldd "$binary" | grep -E 'lib(mpi|open-pal|open-rte|hdf5)'; then
  echo "check_mpi_free: $binary loads MPI or HDF5 (above)" >&2; status=1
fi
for file in "$binary" "$core"; do
  if nm -C --undefined-only "$file" | grep -E '\b(MPI_|PMPI_|H5[A-Z]|ompi_)' | head -5 | grep .; then
    echo "check_mpi_free: $file references MPI or HDF5 symbols (above)" >&2; status=1
  fi
done
[[ $status -eq 0 ]] && echo "check_mpi_free: $(basename "$binary") and $(basename "$core") use neither MPI nor HDF5"
exit $status
