#!/usr/bin/env bash
# Set up (idempotent) and start MNIST Studio.
#   scripts/studio.sh                 the studio window
#   scripts/studio.sh --cli ARGS...   the headless CLI (mnist-studio-cli ARGS...)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$here/scripts/setup.sh"
build_dir="${MNIST_STUDIO_BUILD:-$here/build}"
if [ "${1:-}" = "--cli" ]; then
  shift
  exec "$build_dir/app/mnist-studio-cli" "$@"
fi
if [ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}${QT_QPA_PLATFORM:-}" ]; then
  echo "No display found (DISPLAY and WAYLAND_DISPLAY are unset): run the headless CLI with" >&2
  echo "  scripts/studio.sh --cli --help" >&2
  echo "or start the window under Xvfb (xvfb-run scripts/studio.sh) or with QT_QPA_PLATFORM=offscreen." >&2
  exit 1
fi
exec "$build_dir/app/mnist-studio" "$@"
