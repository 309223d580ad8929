# STUDIO_FUZZ: the fuzz targets (tests/fuzz) run under libFuzzer with coverage feedback. GCC
# instruments every target of the tree (-fsanitize-coverage=trace-pc,trace-cmp, through
# studio_sanitizers, so the shared precompiled header stays valid); tests/fuzz/Coverage.cpp turns
# GCC's block callback into libFuzzer's edge counters; libFuzzer itself is LLVM's runtime
# (Debian libclang-rt-14-dev), copied with its obsolete trace-pc callback renamed out of the way.
if(NOT STUDIO_FUZZ)
  return()
endif()
file(GLOB _studio_libfuzzer_candidates
     /usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-${CMAKE_SYSTEM_PROCESSOR}.a)
list(SORT _studio_libfuzzer_candidates)
list(POP_BACK _studio_libfuzzer_candidates STUDIO_LIBFUZZER_RUNTIME)
if(NOT STUDIO_LIBFUZZER_RUNTIME)
  message(FATAL_ERROR "STUDIO_FUZZ needs libFuzzer's runtime (libclang_rt.fuzzer-${CMAKE_SYSTEM_PROCESSOR}.a): "
                      "apt-get install libclang-rt-14-dev")
endif()
find_program(STUDIO_OBJCOPY objcopy REQUIRED)
set(_studio_libfuzzer ${CMAKE_BINARY_DIR}/libfuzzer-gcc.a)
add_custom_command(
  OUTPUT ${_studio_libfuzzer}
  COMMAND ${STUDIO_OBJCOPY} --redefine-sym __sanitizer_cov_trace_pc=__libfuzzer_obsolete_trace_pc
          ${STUDIO_LIBFUZZER_RUNTIME} ${_studio_libfuzzer}
  DEPENDS ${STUDIO_LIBFUZZER_RUNTIME}
  COMMENT "libFuzzer's runtime without its trace-pc callback")
add_custom_target(studio_libfuzzer_copy DEPENDS ${_studio_libfuzzer})
add_library(studio_libfuzzer STATIC IMPORTED GLOBAL)
set_target_properties(studio_libfuzzer PROPERTIES IMPORTED_LOCATION ${_studio_libfuzzer})
add_dependencies(studio_libfuzzer studio_libfuzzer_copy)

add_library(studio_fuzz_coverage STATIC ${CMAKE_SOURCE_DIR}/tests/fuzz/Coverage.cpp)
target_compile_options(studio_fuzz_coverage PRIVATE -Wall -Wextra -Wpedantic)
target_compile_options(studio_sanitizers INTERFACE -fsanitize-coverage=trace-pc,trace-cmp)
target_link_libraries(studio_sanitizers INTERFACE studio_fuzz_coverage)
