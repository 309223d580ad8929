#!/usr/bin/env bash
# Wall time from process start to an evaluated test accuracy: each preset (mnist-studio-cli train
# --preset P --seed S --evaluate) and the plain-PyTorch peer (bench/peer_train_mnist_fast.py, the
# train_mnist_fast recipe on Debian's python3-torch), interleaved seed by seed so machine drift
# falls on both; per run, then mean ± sd and min of each, and the ratio of the mean wall times.
# usage: bench/time_to_accuracy.sh [SEEDS] [PRESET...]   (default: 10 seeds, preset speedrun)
#        FIRST_SEED=K bench/time_to_accuracy.sh ...        (seeds K..SEEDS: more seeds for a table)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
seeds="${1:-10}"; shift || true
presets=("${@:-speedrun}")
cli="${MNIST_STUDIO_CLI:-$here/build/app/mnist-studio-cli}"
data="${MNIST_STUDIO_DATA:-$here/data/mnist}"
threads="$(nproc)"
if ! /usr/bin/python3 -c 'import torch' 2>/dev/null; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3-torch >/dev/null
fi
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
results="$work/results"  # name seed wall accuracy

now() { date +%s.%N; }
for seed in $(seq "${FIRST_SEED:-1}" "$seeds"); do
  for preset in "${presets[@]}"; do
    start=$(now)
    out=$("$cli" train --preset "$preset" --seed "$seed" --evaluate --data "$data" --runs "$work/runs" 2>&1)
    wall=$(awk -v a="$(now)" -v b="$start" 'BEGIN {printf "%.2f", a - b}')
    acc=$(grep -oE 'test accuracy [0-9.]+' <<<"$out" | awk '{print $3}')
    echo "$preset $seed $wall ${acc:-nan}" | tee -a "$results"
  done
  start=$(now)
  out=$(/usr/bin/python3 "$here/bench/peer_train_mnist_fast.py" "$data" "$seed" "$threads")
  wall=$(awk -v a="$(now)" -v b="$start" 'BEGIN {printf "%.2f", a - b}')
  acc=$(grep -oE 'test_acc=[0-9.]+' <<<"$out" | cut -d= -f2)
  echo "peer-pytorch $seed $wall ${acc:-nan}" | tee -a "$results"
done
echo
printf '%-16s %6s %18s %18s %10s\n' "recipe" "runs" "wall s (mean±sd)" "test % (mean±sd)" "min test %"
awk '{n[$1]++; w[$1]+=$3; ww[$1]+=$3*$3; a[$1]+=$4; aa[$1]+=$4*$4; if (!($1 in lo) || $4 < lo[$1]) lo[$1]=$4}
     END {for (k in n) {mw=w[k]/n[k]; ma=a[k]/n[k];
            sw=sqrt((ww[k]/n[k]-mw*mw)*n[k]/(n[k]>1?n[k]-1:1)); sa=sqrt((aa[k]/n[k]-ma*ma)*n[k]/(n[k]>1?n[k]-1:1));
            printf "%-16s %6d %11.2f ± %5.2f %11.3f ± %5.3f %10.2f\n", k, n[k], mw, sw, ma, sa, lo[k]}}' "$results" | sort
for preset in "${presets[@]}"; do
  awk -v p="$preset" '$1==p {w+=$3; n++} $1=="peer-pytorch" {q+=$3; m++}
       END {if (n && m) printf "%s wall / peer wall = %.2f\n", p, (w/n)/(q/m)}' "$results"
done
