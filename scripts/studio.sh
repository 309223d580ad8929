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
if [ -x "$build_dir/app/mnist-studio" ]; then
  exec "$build_dir/app/mnist-studio" "$@"
fi
echo "This build has no studio window yet (see README: Status); the engine runs headless:" >&2
exec "$build_dir/app/mnist-studio-cli" --help
