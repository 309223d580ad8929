#!/usr/bin/env bash
# Set up (idempotent), build and run the whole test suite with CTest.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$here/scripts/setup.sh"
build_dir="${MNIST_STUDIO_BUILD:-$here/build}"
export QT_QPA_PLATFORM=offscreen
cd "$build_dir"
ctest --output-on-failure --timeout 900 "$@"
