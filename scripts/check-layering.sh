#!/usr/bin/env bash
# Fails when a core/ folder includes a folder at its own level or above (a dependency cycle in the
# making) or core/ includes GUI headers. Levels, lowest first: util < data < models < training <
# evaluation < inference, runs; distributed (c10d) sits beside data, above util.
set -euo pipefail
core="$(cd "$(dirname "${BASH_SOURCE[0]}")/../core" && pwd)"
declare -A level=([util]=0 [data]=1 [distributed]=1 [models]=2 [training]=3 [evaluation]=4 [inference]=5 [runs]=5)
problems=0
for folder in "${!level[@]}"; do
  while IFS=: read -r file line text; do
    target=$(sed -E 's/.*#include "([a-z]+)\/.*/\1/' <<<"$text")
    [ "$target" = "$folder" ] && continue
    if [ -z "${level[$target]+x}" ] || [ "${level[$target]}" -ge "${level[$folder]}" ]; then
      echo "core/$folder may not include $target/: ${file#"$core"/}:$line"
      problems=$((problems + 1))
    fi
  done < <(grep -rnE '#include "[a-z]+/[A-Za-z]+\.h"' "$core/$folder" || true)
done
if grep -rlE '#include <(QtWidgets|QtGui|QtCharts|QWidget|QPainter|QImage)' "$core"; then
  echo "core/ includes GUI headers (above)"
  problems=$((problems + 1))
fi
echo "layering: $problems problem(s)"
[ "$problems" -eq 0 ]
