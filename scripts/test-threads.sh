#!/usr/bin/env bash
# ThreadSanitizer run of the units that own threads, by hand (not in CI: ~15 min to build).
# Builds build-tsan/ (cmake -DSTUDIO_SANITIZE_THREAD=ON) and runs the tests that drive the batch
# producer (BatchStream), the training session and its QThread, the inference service, the
# predict workers (Predictions' BatchRunner) and the CLI's training children. Torch runs on one
# intra-op thread here: LibTorch and its OpenMP runtime are not instrumented, so their own
# parallel regions would be reported without being ours. Prints each test's verdict and the
# number of TSan reports; exits non-zero when any test fails or any report is printed.
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${MNIST_STUDIO_TSAN_BUILD:-$here/build-tsan}"
tests=(tst_augmentation tst_trainer tst_predictions tst_runlauncher tst_drawpage tst_mainwindow
       tst_trainprocesses tst_crashrecovery tst_sweepworkers)
cmake -S "$here" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSTUDIO_SANITIZE_THREAD=ON \
      -DSTUDIO_BUILD_BENCH=OFF >/dev/null || exit 1
cmake --build "$build" --target studio_tests mnist-studio-cli || exit 1
export QT_QPA_PLATFORM=offscreen OMP_NUM_THREADS=1 MNIST_STUDIO_SOURCE="$here"
export STUDIO_CLI="$build/app/mnist-studio-cli" MNIST_STUDIO_CLI="$build/app/mnist-studio-cli"
export TSAN_OPTIONS="halt_on_error=0 second_deadlock_stack=1 suppressions=$here/scripts/tsan.supp"
logs="$build/tsan-logs"; mkdir -p "$logs"
status=0 reports=0
for t in "${tests[@]}"; do
  start=$(date +%s)
  (cd "$build/tests" && ./studio_tests "$t" >"$logs/$t.log" 2>&1); rc=$?
  n=$(grep -c "WARNING: ThreadSanitizer" "$logs/$t.log")
  printf '%-20s exit %-3s %3d s  %d TSan reports\n' "$t" "$rc" "$(( $(date +%s) - start ))" "$n"
  reports=$((reports + n)); [ "$rc" -ne 0 ] && status=1
done
echo "ThreadSanitizer: $reports reports in ${#tests[@]} tests (logs in $logs)"
[ "$reports" -eq 0 ] && exit $status || exit 1
