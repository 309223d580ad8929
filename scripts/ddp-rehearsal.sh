#!/usr/bin/env bash
# Multi-host rehearsal, run by hand as root (not in CI): two network namespaces joined by a veth
# pair stand in for two hosts, one rank in each trains a run over c10d Gloo (10.77.0.1 and
# 10.77.0.2, traffic only inside the namespaces); the same run in one process follows, and both are
# scored on the test split: with no dropout or augmentation they agree (to rounding: the gradient
# sums are added in another order, so a few test images may differ after dozens of steps).
# usage: scripts/ddp-rehearsal.sh [IMAGES]   (default 6000 MNIST training images, one epoch)
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
cli="$here/build/app/mnist-studio-cli"
data="${MNIST_STUDIO_DATA:-$here/data/mnist}"
images="${1:-6000}"
[ "$(id -u)" -eq 0 ] || { echo "ddp-rehearsal: run as root (ip netns)" >&2; exit 2; }
[ -x "$cli" ] || { echo "ddp-rehearsal: build first ($cli missing)" >&2; exit 2; }
work="$(mktemp -d)"
cleanup() {
  ip netns del studio-a 2>/dev/null || true
  ip netns del studio-b 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

ip netns add studio-a
ip netns add studio-b
ip link add studio-va type veth peer name studio-vb
ip link set studio-va netns studio-a
ip link set studio-vb netns studio-b
ip -n studio-a addr add 10.77.0.1/24 dev studio-va
ip -n studio-b addr add 10.77.0.2/24 dev studio-vb
for ns in studio-a studio-b; do
  ip -n "$ns" link set lo up
done
ip -n studio-a link set studio-va up
ip -n studio-b link set studio-vb up

recipe=(--model simple-cnn --dropout-rate 0 --num-epochs 1 --limit-train "$images" --batch-size 128
        --optimizer sgd --momentum 0.9 --learning-rate 0.05 --threads 1 --seed 5 --data "$data")
echo "== two hosts: rank 0 in studio-a (10.77.0.1), rank 1 in studio-b (10.77.0.2)"
ip netns exec studio-a "$cli" train "${recipe[@]}" --runs "$work/two" \
  --world-size 2 --rank 0 --master 10.77.0.1:29500 --timeout 30 &
rank0=$!
ip netns exec studio-b "$cli" train "${recipe[@]}" --runs "$work/worker" \
  --world-size 2 --rank 1 --master 10.77.0.1:29500 --timeout 30
wait "$rank0"
echo "== one process"
"$cli" train "${recipe[@]}" --runs "$work/one" > /dev/null
echo "== the run's record of its world"
sed -n '/"world"/,/}/p' "$work/two/run-1/config.json"
echo "== test split, two hosts then one process"
"$cli" evaluate --run 1 --runs "$work/two" --data "$data" | head -n 1
"$cli" evaluate --run 1 --runs "$work/one" --data "$data" | head -n 1
