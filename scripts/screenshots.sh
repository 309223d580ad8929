#!/usr/bin/env bash
# Regenerates docs/screenshots/ from the real window (offscreen) after a short real training run.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
"$here/scripts/setup.sh"
QT_QPA_PLATFORM="${QT_QPA_PLATFORM:-offscreen}" \
  "$here/build/tests/studio_screenshots" "$here/docs/screenshots" "${MNIST_STUDIO_DATA:-$here/data/mnist}"
