#!/usr/bin/env bash
# Fails when a C++ file of the tree differs from what clang-format makes of it (the root
# .clang-format; Debian's clang-format, installed by scripts/setup.sh).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
mapfile -t files < <(git ls-files '*.cpp' '*.h' 2>/dev/null || find app core ui tests bench -name '*.cpp' -o -name '*.h')
clang-format --dry-run -Werror "${files[@]}"
echo "format: ${#files[@]} files as clang-format lays them out"
