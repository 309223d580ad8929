#!/usr/bin/env bash
# What the package ships besides the binaries, checked as Debian's tools check it (CTest packaging):
# the .desktop file (desktop-file-validate), the AppStream metainfo (appstreamcli validate, its
# release = the project's version), the manual pages help2man made at build time, and the bash
# completion against the real CLI.
#   scripts/check-packaging.sh SOURCE_DIR BUILD_DIR VERSION
set -euo pipefail
src="$1" build="$2" version="$3"
id=io.github.mniststudio.MnistStudio
fail() { echo "check-packaging: $*" >&2; exit 1; }

desktop-file-validate "$src/packaging/$id.desktop" || fail "$id.desktop is not valid"
appstreamcli validate --no-net --pedantic "$src/packaging/$id.metainfo.xml" || fail "$id.metainfo.xml is not valid"
grep -q "<release version=\"$version\"" "$src/packaging/$id.metainfo.xml" ||
  fail "the metainfo has no release $version (the project's version): add it"
grep -q "^mnist-studio ($version)" "$src/packaging/changelog.Debian" ||
  fail "packaging/changelog.Debian does not start with version $version"
echo "desktop file, metainfo (release $version) and changelog: valid"

for page in mnist-studio mnist-studio-cli; do
  file="$build/packaging/$page.1.gz"
  [ -f "$file" ] || fail "$file was not generated (help2man missing? scripts/setup.sh installs it)"
  gzip -t "$file"
  zcat "$file" | grep -q "^\.TH ${page^^} \"1\"" || fail "$file has no .TH header"
  zcat "$file" | grep -qF -- '\-\-help' || fail "$file does not list the options"
done
echo "manual pages: mnist-studio(1), mnist-studio-cli(1)"

# The completion, with the built CLI first on PATH.
PATH="$build/app:$PATH" bash -c '
  source "$1"
  complete_words() { COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); COMPREPLY=(); _mnist_studio_cli; echo "${COMPREPLY[*]}"; }
  [[ " $(complete_words mnist-studio-cli sw) " == *" sweep "* ]] || { echo "no sweep command"; exit 1; }
  [[ " $(complete_words mnist-studio-cli train --learning) " == *" --learning-rate "* ]] || { echo "no --learning-rate"; exit 1; }
  [[ " $(complete_words mnist-studio-cli sweep c) " == *" create "* ]] || { echo "no sweep create"; exit 1; }
  [[ " $(complete_words mnist-studio-cli train --preset fa) " == *" fast "* ]] || { echo "no preset fast"; exit 1; }
' _ "$src/packaging/mnist-studio-cli.bash-completion" || fail "the bash completion does not complete"
echo "bash completion: commands, options, sweep actions and presets"
