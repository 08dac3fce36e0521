#!/usr/bin/env bash
# The README's second command, and what CI runs: install what is needed, then build and run
# every test twice: the Release build, and a build with AddressSanitizer and
# UndefinedBehaviorSanitizer. Presets named as arguments run alone (scripts/test-in-chroot.sh
# release: the release half on another system).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh
jobs=$(nproc)

presets=("$@")
[ ${#presets[@]} -gt 0 ] || presets=(release asan)
for preset in "${presets[@]}"; do
  echo "== $preset: configure, build, test"
  cmake --preset "$preset"
  cmake --build --preset "$preset" -j "$jobs"
  ctest --preset "$preset" -j "$jobs"
done
