#!/usr/bin/env bash
# The performance measurements of docs/performance.md, in one command:
#   scripts/bench.sh            full run (about 10 minutes on 2 cores)
#   scripts/bench.sh --quick    smoke test (seconds)
# Extra arguments go to gmmlab-bench (see gmmlab-bench --help). Builds Release in
# build/bench (GMMLAB_BENCH_BUILD overrides), writes the tables to build/bench/bench-results.md,
# then times `gmmlab segment` end to end (the sample, and a 12 MP photo with K=5) with
# /usr/bin/time -v for peak memory. Measure on a quiet machine: the load is printed first.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
build="${GMMLAB_BENCH_BUILD:-$root/build/bench}"
quick=0
for a in "$@"; do [ "$a" = "--quick" ] && quick=1; done

cmake --preset release -B "$build" -DGMMLAB_BENCH=ON >/dev/null
cmake --build "$build" -j"$(nproc)" --target gmmlab-bench gmmlab >/dev/null

echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) (before)"
"$build/bench/gmmlab-bench" -o "$build/bench-results.md" "$@"

if [ "$quick" -eq 0 ]; then
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
  peak() { grep "Maximum resident" "$1" | awk '{printf "%.0f MiB", $6 / 1024}'; }
  echo
  echo "## gmmlab segment, end to end"
  echo
  /usr/bin/time -v -o "$work/sample.time" "$build/cli/gmmlab" segment -q -o "$work/sample.png" | grep -E "^time|EM"
  echo "sample (lab/data/chelsea.png, K=3, every core): peak $(peak "$work/sample.time")"
  "$build/bench/gmmlab-bench" resize 12 "$work/photo-12mp.png"
  # 20 iterations: the peak memory does not depend on the count, and 500 would take a minute.
  /usr/bin/time -v -o "$work/12mp.time" "$build/cli/gmmlab" segment -q -k 5 --iterations 20 "$work/photo-12mp.png" \
    -o "$work/12mp.png" | grep -E "^time"
  echo "12 MP, K=5, 20 iterations: peak $(peak "$work/12mp.time")"
fi
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
