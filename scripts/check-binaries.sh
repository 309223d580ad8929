#!/usr/bin/env bash
# The two binaries as an installation would run them: --version on both (the same version and git
# commit), and the window's --self-test (offscreen: every page drawn once). Used by CTest
# (app_binaries) with the build's binaries, and by hand with installed ones:
#   scripts/check-binaries.sh [MNIST_STUDIO MNIST_STUDIO_CLI]
set -euo pipefail
gui="${1:-mnist-studio}" cli="${2:-mnist-studio-cli}"
pattern='^[0-9]+\.[0-9]+\.[0-9]+ \(git ([0-9a-f]{12}(-modified)?|unknown)\)$'
cli_version="$("$cli" --version | head -1)"
gui_version="$(QT_QPA_PLATFORM=offscreen "$gui" --version 2>/dev/null | head -1)"
for line in "$cli_version" "$gui_version"; do
  version="${line#* }"
  [[ "$version" =~ $pattern ]] || { echo "check-binaries: unexpected version line: $line" >&2; exit 1; }
done
[ "${cli_version#* }" = "${gui_version#* }" ] ||
  { echo "check-binaries: the binaries disagree: $cli_version / $gui_version" >&2; exit 1; }
echo "versions: $cli_version · $gui_version"
QT_QPA_PLATFORM="${QT_QPA_PLATFORM:-offscreen}" "$gui" --self-test 2>/dev/null
