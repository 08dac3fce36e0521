#!/usr/bin/env bash
# The performance measurements of docs/performance.md, in one command:
#   scripts/bench.sh            full run (about 10 minutes on 2 cores)
#   scripts/bench.sh --quick    smoke test (seconds)
# Extra arguments go to gmmlab-bench (see gmmlab-bench --help). Builds Release in
# build/bench (GMMLAB_BENCH_BUILD overrides), writes the tables to build/bench/bench-results.md,
# the k-means comparison to build/bench/kmeans-results.md, then times every gmmlab command end
# to end (scripts/end-to-end.sh: the sample, and a 12 MP photo with K=5) with /usr/bin/time -v
# for peak memory. Measure on a quiet machine: the load is printed first.
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
  echo
  # k-means: sampled against whole, scikit-learn's KMeans and OpenCV's cv::kmeans (2 threads).
  "$build/bench/gmmlab-bench" kmeans -o "$build/kmeans-results.md"
  echo
  # Every command end to end (wall time, peak memory, segment's phases), the sample and 12 MP.
  # The same script measures any other build for a before/after on the same machine and load:
  #   scripts/end-to-end.sh /path/to/other/build
  "$root/scripts/end-to-end.sh" "$build" | tee "$build/end-to-end.md"
fi
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
