# Writes OUT, a header defining STUDIO_COMMIT: the source tree's git commit ("-modified" when tracked
# files differ from it; "unknown" outside a git checkout). Run at every build (core/CMakeLists.txt);
# the file is rewritten only when the text changes, so a new commit recompiles one source file.
execute_process(COMMAND git -C "${SOURCE}" rev-parse --short=12 HEAD
                OUTPUT_VARIABLE commit OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET RESULT_VARIABLE failed)
if(failed OR commit STREQUAL "")
  set(commit "unknown")
else()
  execute_process(COMMAND git -C "${SOURCE}" status --porcelain --untracked-files=no
                  OUTPUT_VARIABLE changes ERROR_QUIET)
  if(NOT changes STREQUAL "")
    string(APPEND commit "-modified")
  endif()
endif()
set(text "#pragma once\n// Generated at build time by cmake/BuildCommit.cmake.\n#define STUDIO_COMMIT \"${commit}\"\n")
set(old "")
if(EXISTS "${OUT}")
  file(READ "${OUT}" old)
endif()
if(NOT old STREQUAL text)
  file(WRITE "${OUT}" "${text}")
endif()
