#!/usr/bin/env bash
# Regenerates docs/screenshots/ from the real window (offscreen) after a short real training run,
# and the report's charts from a short real run of the CLI.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
"$here/scripts/setup.sh"
data="${MNIST_STUDIO_DATA:-$here/data/mnist}"
out="$here/docs/screenshots"
export QT_QPA_PLATFORM="${QT_QPA_PLATFORM:-offscreen}"
export MNIST_STUDIO_CLI="$here/build/app/mnist-studio-cli" # the Train page's local ranks
"$here/build/tests/studio_screenshots" "$out" "$data"
runs="$(mktemp -d)"
trap 'rm -rf "$runs"' EXIT
cli="$here/build/app/mnist-studio-cli"
"$cli" train --preset fast --limit-train 15000 --num-epochs 3 --data "$data" --runs "$runs" > /dev/null
"$cli" report --run 1 --data "$data" --runs "$runs" --out "$runs/report"
for chart in confusion-normalised reliability confidence-histogram; do
  cp "$runs/report/charts/$chart.png" "$out/report-$chart.png"
done
