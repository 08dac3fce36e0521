#!/usr/bin/env bash
# Every gmmlab command end to end, each in its own process under /usr/bin/time -v: wall time,
# peak resident memory, and segment's own phase times. Called by scripts/bench.sh; run it alone
# against any build to compare two versions on the same machine and load:
#   scripts/end-to-end.sh BUILD_DIR [WORK_DIR]
# BUILD_DIR holds cli/gmmlab and bench/gmmlab-bench (e.g. build/release). WORK_DIR keeps the
# outputs (default: a temporary folder, removed at the end).
set -euo pipefail

build="$1"
work="${2:-}"
if [ -z "$work" ]; then
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
fi
mkdir -p "$work"
gmmlab="$build/cli/gmmlab"
sample="$(cd "$(dirname "$0")/.." && pwd)/lab/data/chelsea.png"

peak() { grep "Maximum resident" "$1" | awk '{printf "%.0f", $6 / 1024}'; }
wall() {
  grep "Elapsed (wall" "$1" | awk '{print $NF}' | awk -F: '{ if (NF == 3) print $1 * 3600 + $2 * 60 + $3; else print $1 * 60 + $2 }'
}
# run NAME COMMAND...: one row of the table (a non-zero exit is shown, not fatal: diff exits 3
# when traces differ, and a failing command must not hide the others' figures).
run() {
  local name="$1"
  shift
  local rc=0
  /usr/bin/time -v -o "$work/$name.time" "$@" >"$work/$name.out" 2>"$work/$name.err" || rc=$?
  printf '| %s | %s | %s | %s |\n' "$name" "$(wall "$work/$name.time")" "$(peak "$work/$name.time")" "$rc"
}
phases() { grep -E "^time:" "$work/$1.out" | sed 's/^time: //'; }

echo "load average $(cut -d' ' -f1-3 /proc/loadavg) (start)"
"$build/bench/gmmlab-bench" resize 12 "$work/photo-12mp.png"
echo
echo "| command | wall s | peak MiB | exit |"
echo "|---|---|---|---|"
run sample-segment "$gmmlab" segment -q "$sample" -o "$work/sample.png"
run sample-trace-record "$gmmlab" trace record -q "$sample" -o "$work/sample.trace.json"
big=(-k 5 --iterations 20 "$work/photo-12mp.png")
run 12mp-segment "$gmmlab" segment -q "${big[@]}" -o "$work/12mp.png" --soft "$work/12mp-soft.png"
run 12mp-trace-record "$gmmlab" trace record -q "${big[@]}" -o "$work/12mp.trace.json"
run 12mp-trace-show "$gmmlab" trace show "$work/12mp.trace.json"
run 12mp-trace-diff "$gmmlab" trace diff "$work/12mp.trace.json" "$work/12mp.trace.json"
run 12mp-trace-plot "$gmmlab" trace plot "$work/12mp.trace.json" -o "$work/12mp-plot.png"
run 12mp-trace-film "$gmmlab" trace film "$work/12mp.trace.json" -o "$work/12mp-film.png"
run 12mp-trace-compare "$gmmlab" trace compare --impl reference "${big[@]}"
echo
echo "sample segment phases: $(phases sample-segment)"
echo "12 MP segment phases: $(phases 12mp-segment)"
"$gmmlab" trace record -q "$sample" -o "$work/sample.trace.json.gz" >/dev/null
echo "sample trace (500 iterations): $(stat -c %s "$work/sample.trace.json") bytes; named .gz: $(stat -c %s "$work/sample.trace.json.gz") bytes"
echo "load average $(cut -d' ' -f1-3 /proc/loadavg) (end)"
