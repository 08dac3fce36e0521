#!/usr/bin/env bash
# The README's first command: install what is needed, build (Release) and segment the
# bundled sample photo with the reference implementation.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh
cmake --preset release -DGMMLAB_BENCH=OFF
cmake --build --preset release -j "$(nproc)" --target gmmlab
mkdir -p out
./build/release/cli/gmmlab segment -k 3 -o out/chelsea-k3.png --soft out/chelsea-k3-soft.png --json out/chelsea-k3.json "$@"
