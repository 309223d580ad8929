#!/usr/bin/env bash
# By hand, not in CI (needs root, network to Debian's mirror, ~10 minutes): builds the .deb, checks it
# with lintian (no errors or warnings), appstreamcli and desktop-file-validate, installs it with apt
# into a clean Debian 12 root (debootstrap --variant=minbase) and runs it there: --version on both
# binaries, `summary`, a 200-image training on generated IDX files, its ONNX export, and the window's --self-test
# (offscreen). Prints what it checked.
#   scripts/package-check.sh [ROOT_DIR]     (default: a temporary folder, removed at the end)
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
build="${MNIST_STUDIO_BUILD:-$here/build}"
[ "$(id -u)" -eq 0 ] || { echo "package-check: run as root (debootstrap, chroot)" >&2; exit 1; }
say() { printf '[package-check] %s\n' "$*"; }
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
  lintian debootstrap appstream desktop-file-utils help2man >/dev/null

"$here/scripts/setup.sh" >/dev/null
(cd "$build" && rm -f mnist-studio_*.deb && cpack -G DEB >/dev/null)
deb="$(ls "$build"/mnist-studio_*.deb)"
say "built $(basename "$deb")"
lint="$(lintian "$deb" 2>&1 | grep -E '^[EW]:' || true)"
[ -z "$lint" ] || { echo "$lint"; say "lintian: errors or warnings"; exit 1; }
say "lintian: no errors or warnings"
"$here/scripts/check-packaging.sh" "$here" "$build" "$(dpkg-deb -f "$deb" Version)"

root="${1:-$(mktemp -d /tmp/mnist-studio-root.XXXXXX)}"
# /proc is unmounted at the end either way; a root given as an argument is kept for the next run.
trap 'umount -R "$root/proc" 2>/dev/null || true; [ -n "${1:-}" ] || rm -rf "$root"' EXIT
if [ ! -x "$root/usr/bin/apt-get" ]; then
  say "debootstrap --variant=minbase bookworm into $root"
  debootstrap --variant=minbase bookworm "$root" http://deb.debian.org/debian >/dev/null
fi
mountpoint -q "$root/proc" || mount -t proc proc "$root/proc"
cp "$deb" "$root/tmp/"
cp /etc/resolv.conf "$root/etc/resolv.conf"
chroot "$root" apt-get update -qq
chroot "$root" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "/tmp/$(basename "$deb")" >/dev/null
say "installed with apt into a clean Debian 12 root (with its Depends and Recommends)"

# A small dataset made with Python's standard library (the root has python3 only if a dependency
# pulled it in; the IDX files are written by the host's python3 instead).
python3 - "$root/tmp/data" <<'PY'
import gzip, os, random, struct, sys
out = sys.argv[1]; os.makedirs(out, exist_ok=True); rng = random.Random(1)
def write(name, count):
    labels = [i % 10 for i in range(count)]
    images = bytearray()
    for label in labels:  # a bar at a label-dependent row, some noise
        img = bytearray(rng.randrange(0, 40) for _ in range(784))
        for x in range(4, 24): img[(3 + 2 * label) * 28 + x] = 255
        images += img
    with open(f"{out}/{name}-images-idx3-ubyte", "wb") as f: f.write(struct.pack(">IIII", 2051, count, 28, 28) + images)
    with open(f"{out}/{name}-labels-idx1-ubyte", "wb") as f: f.write(struct.pack(">II", 2049, count) + bytes(labels))
write("train", 200); write("t10k", 100)
import zlib  # and one 28x28 grayscale PNG to predict (a bar, as in class 4)
rows = b"".join(b"\0" + bytes(255 if r == 11 and 4 <= x < 24 else 0 for x in range(28)) for r in range(28))
chunk = lambda kind, data: struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
with open(f"{out}/digit.png", "wb") as f:
    f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 28, 28, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))
PY
in_root() { chroot "$root" env HOME=/root QT_QPA_PLATFORM=offscreen "$@"; }
in_root mnist-studio-cli --version
in_root mnist-studio --version
in_root mnist-studio-cli summary --arch simple-cnn | tail -1
in_root mnist-studio-cli train --data /tmp/data --model simple-cnn --num-epochs 1 --threads 1 --runs /tmp/runs | tail -2
in_root mnist-studio-cli export --runs /tmp/runs --run 1 --out /tmp/model.onnx | head -1
from_onnx="$(in_root mnist-studio-cli predict --onnx /tmp/model.onnx /tmp/data/digit.png)"
from_checkpoint="$(in_root mnist-studio-cli predict --runs /tmp/runs --run 1 /tmp/data/digit.png)"
echo "$from_onnx"
[ "$from_onnx" = "$from_checkpoint" ] || { say "predict --onnx differs from the checkpoint: $from_checkpoint"; exit 1; }
say "predict --onnx (OpenCV DNN) = predict with the checkpoint (LibTorch)"
in_root mnist-studio --self-test --data /tmp/data
in_root man -w mnist-studio-cli >/dev/null 2>&1 && say "man mnist-studio-cli: found" || say "man: not installed in the minimal root (pages are in /usr/share/man/man1)"
say "passed: package built, lint-free, installed on clean Debian 12, CLI trained and exported ONNX, window drew every page"
