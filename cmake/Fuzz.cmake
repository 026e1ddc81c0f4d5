# -DCUSTSEG_FUZZ=ON: libFuzzer targets in fuzz/ (clang only: GCC has no -fsanitize=fuzzer).
# Every target is compiled with coverage instrumentation (fuzzer-no-link) plus ASan and UBSan, so
# the fuzzer sees the branches of custseg_local and a memory error or undefined behaviour in it is
# a crash. Use a build dir of its own (build-fuzz): these flags are not for the real binary.
if(CUSTSEG_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "custseg: -DCUSTSEG_FUZZ=ON needs clang++ (libFuzzer): "
                        "cmake -S . -B build-fuzz -DCUSTSEG_FUZZ=ON -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_C_COMPILER=clang")
  endif()
  add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined
                      -fno-omit-frame-pointer -g -O1)
  add_link_options(-fsanitize=address,undefined)
endif()
