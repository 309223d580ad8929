#!/usr/bin/env bash
# Runs every fuzz target (tests/fuzz) for SECONDS each on its seed corpus and prints executions and
# findings. Use a sanitizer tree (cmake -DSTUDIO_SANITIZE=ON) to have ASan/UBSan judge every input.
#   bench/fuzz.sh [SECONDS] [BUILD_DIR]        (defaults: 60, build)
# A finding leaves crash-<target>-<pid>.bin in the current folder and makes the exit status 1.
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
seconds="${1:-60}"
build="${2:-$here/build}"
export QT_QPA_PLATFORM=offscreen
total=0 findings=0
for target in idx checkpoint config runstore image replay; do
    exe="$build/tests/fuzz/fuzz_$target"
    if [[ ! -x "$exe" ]]; then
        echo "fuzz.sh: $exe is not built" >&2
        exit 2
    fi
    line="$("$exe" --seconds "$seconds" "$here/tests/fuzz/corpus/$target" 2>"fuzz_$target.log" | tail -1)"
    status=$?
    if [[ $status -ne 0 || -z "$line" ]]; then
        findings=$((findings + 1))
        echo "fuzz_$target: FINDING (exit $status), see fuzz_$target.log:"
        tail -5 "fuzz_$target.log"
    else
        echo "$line"
        total=$((total + $(sed -E 's/.*: ([0-9]+) executions.*/\1/' <<<"$line")))
        rm -f "fuzz_$target.log"
    fi
done
echo "fuzz.sh: $total executions in all, $findings finding(s)"
[[ $findings -eq 0 ]]
