#pragma once
// Gives the heap's free pages back to the system (glibc's malloc_trim). Millions of small blocks
// (per-customer summaries, a deque's chunks) freed in the middle of the heap otherwise stay
// resident, and the next phase's peak stacks on them. No-op where the C library has no such call.
#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace custseg {

inline void release_free_memory() {
#if defined(__GLIBC__)
  malloc_trim(0);
#endif
}

}  // namespace custseg
