#!/usr/bin/env bash
# Our engine vs the seeds' Python pipeline, same architecture, batch size and threads, one run.
# usage: bench/compare_peer.sh [ARCH] [EPOCHS]   (needs Debian python3-torch python3-torchvision)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
arch="${1:-simple-cnn}"; epochs="${2:-1}"
peer="$here/../shared/peer/seed_recipe.py"
[ -f "$peer" ] || peer="$here/shared/peer/seed_recipe.py"
if ! /usr/bin/python3 -c 'import torch, torchvision' 2>/dev/null; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3-torch python3-torchvision python3-pil >/dev/null
fi
for aug in 0 1; do
  /usr/bin/python3 "$peer" "$here/data/mnist" "$arch" "$epochs" "$aug" 2 2>/dev/null
  "$here/build/bench/bench_throughput" "$arch" "$epochs" "$aug" 2
done
