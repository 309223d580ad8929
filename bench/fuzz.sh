#!/usr/bin/env bash
# Runs every fuzz target (tests/fuzz) for SECONDS each and prints executions and findings. In a tree
# configured with -DSTUDIO_FUZZ=ON the targets are libFuzzer programs (coverage-guided; what they
# learn is kept in BUILD_DIR/tests/fuzz/corpus-<target>/ next to the seeds); otherwise the built-in
# driver mutates the seeds blindly. Use a sanitizer tree (-DSTUDIO_SANITIZE=ON) to have ASan/UBSan
# judge every input.
#   bench/fuzz.sh [SECONDS] [BUILD_DIR] [TARGET...]   (defaults: 60, build, every target)
# A finding leaves crash-<target>-… in the current folder and makes the exit status 1.
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
seconds="${1:-60}"
build="${2:-$here/build}"
shift $(($# < 2 ? $# : 2))
targets=("$@")
((${#targets[@]})) || targets=(idx checkpoint config runstore image replay)
export QT_QPA_PLATFORM=offscreen
driver="$(cat "$build/tests/fuzz/driver.txt" 2>/dev/null || echo FuzzDriver)"
echo "fuzz.sh: $driver, $seconds s a target"

# Runs target $1 from $exe, leaving the summary line in $line; returns the target's status.
run_libfuzzer() {
    local target="$1" log="fuzz_$1.log" seeds="$here/tests/fuzz/corpus/$1" learned="$build/tests/fuzz/corpus-$1"
    mkdir -p "$learned"
    "$exe" -max_total_time="$seconds" -timeout=30 -print_final_stats=1 -artifact_prefix="crash-$target-" \
        "$learned" "$seeds" 2>"$log"
    local status=$?
    local runs features
    runs="$(sed -nE 's/^stat::number_of_executed_units: *([0-9]+).*/\1/p' "$log")"
    features="$(grep -E '^#[0-9]+' "$log" | tail -1 | sed -nE 's/.* ft: ([0-9]+).*/\1/p')"
    [[ -n "$runs" ]] &&
        line="fuzz_$target: $runs executions in $seconds s ($((runs / seconds))/s), $(ls "$learned" | wc -l) inputs learned + $(ls "$seeds" | wc -l) seeds, ${features:-?} coverage features, 0 crashes"
    return $status
}

total=0 findings=0
for target in "${targets[@]}"; do
    exe="$build/tests/fuzz/fuzz_$target"
    if [[ ! -x "$exe" ]]; then
        echo "fuzz.sh: $exe is not built" >&2
        exit 2
    fi
    line=""
    if [[ "$driver" == libFuzzer ]]; then
        run_libfuzzer "$target"
        status=$?
    else
        line="$("$exe" --seconds "$seconds" "$here/tests/fuzz/corpus/$target" 2>"fuzz_$target.log" | tail -1)"
        status=$?
    fi
    if [[ $status -ne 0 || -z "$line" ]]; then
        findings=$((findings + 1))
        echo "fuzz_$target: FINDING (exit $status), see fuzz_$target.log:"
        tail -25 "fuzz_$target.log"
    else
        echo "$line"
        total=$((total + $(sed -E 's/^[^:]*: ([0-9]+) executions.*/\1/' <<<"$line")))
        rm -f "fuzz_$target.log"
    fi
done
echo "fuzz.sh: $total executions in all, $findings finding(s)"
[[ $findings -eq 0 ]]
