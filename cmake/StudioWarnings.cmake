# One interface target for warnings, one for sanitizers; every target links them.
add_library(studio_warnings INTERFACE)
target_compile_options(studio_warnings INTERFACE -Wall -Wextra -Wpedantic)
# LibTorch and Qt are built with QT_NO_KEYWORDS so `slots`/`signals` never clash.
target_compile_definitions(studio_warnings INTERFACE QT_NO_KEYWORDS)

add_library(studio_sanitizers INTERFACE)
if(STUDIO_SANITIZE)
  target_compile_options(studio_sanitizers INTERFACE -fsanitize=address,undefined -fno-omit-frame-pointer)
  target_link_options(studio_sanitizers INTERFACE -fsanitize=address,undefined)
elseif(STUDIO_SANITIZE_THREAD)
  target_compile_options(studio_sanitizers INTERFACE -fsanitize=thread -fno-omit-frame-pointer)
  target_link_options(studio_sanitizers INTERFACE -fsanitize=thread)
endif()

# studio_batch_sources(target): compile target's sources in unity batches (STUDIO_UNITY_BUILD).
function(studio_batch_sources target)
  if(STUDIO_UNITY_BUILD)
    set_target_properties(${target} PROPERTIES UNITY_BUILD ON UNITY_BUILD_BATCH_SIZE 8)
  endif()
endfunction()
