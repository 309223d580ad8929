#!/usr/bin/env bash
# The suite again under AddressSanitizer + UndefinedBehaviorSanitizer, in a second tree
# (build-sanitize/, cmake -DSTUDIO_SANITIZE=ON -DSTUDIO_FUZZ=ON), then every fuzz target there under
# libFuzzer for FUZZ_SECONDS (default 60; in CI less when .ci/run's deadline is near) each. A memory
# error or undefined behaviour fails the run.
# Leak detection is off: Qt's GUI classes leave allocations behind at exit in the window tests (see
# README).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$here/scripts/setup.sh" --no-build
build="${MNIST_STUDIO_SANITIZE_BUILD:-$here/build-sanitize}"
# -O1: instrumented code compiles a third faster than at -O3 and the time goes to libtorch anyway.
cmake -S "$here" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_FLAGS_RELEASE="-O1 -DNDEBUG" \
  -DSTUDIO_SANITIZE=ON -DSTUDIO_FUZZ=ON -DSTUDIO_BUILD_BENCH=OFF
cmake --build "$build"
export QT_QPA_PLATFORM=offscreen
# Instrumented code runs several times slower: Qt's 300 s watchdog per test function is too short
# for the sweep workers' longest test (300 epochs through a server restart) on a busy machine.
export QTEST_FUNCTION_TIMEOUT=900000
export ASAN_OPTIONS=detect_leaks=0:abort_on_error=1
# abort_on_error: UBSan's own exit skips the death callback libFuzzer registered with ASan's runtime
# (GCC links the two separately), so only an abort makes libFuzzer keep the input.
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:abort_on_error=1
(cd "$build" && ctest --output-on-failure --timeout 900 -j2)
seconds="${FUZZ_SECONDS:-60}"
if [[ -n "${CI_FUZZ_DEADLINE:-}" ]]; then # a slow CI machine: six targets share what is left, 10-60 s each
  left=$(((CI_FUZZ_DEADLINE - $(date +%s)) / 6))
  seconds=$((left < 10 ? 10 : left < seconds ? left : seconds))
fi
cd "$build" && "$here/bench/fuzz.sh" "$seconds" "$build"
