#!/usr/bin/env bash
# Set up (idempotent), build and run the whole test suite with CTest.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$here/scripts/setup.sh"
build_dir="${MNIST_STUDIO_BUILD:-$here/build}"
export QT_QPA_PLATFORM=offscreen
cd "$build_dir"
# Two tests at a time, as in the sanitizer run (2026-12-01: 384 s at -j2, 660 s one at a time).
ctest --output-on-failure --timeout 900 -j2 "$@"
