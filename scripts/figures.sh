#!/usr/bin/env bash
# Remakes every picture in docs/ (except the viewer's screenshots, which scripts of the viewer
# make): the handout's 2-D teaching pictures, then the sample photo's segmentation, its
# log-likelihood curve and filmstrip, all with the reference, fixed seeds, one thread.
# Usage: bash scripts/figures.sh [BUILD_DIR]   (default build/release, built with the gmmlab target)
set -euo pipefail
cd "$(dirname "$0")/.."
gmmlab="${1:-build/release}/cli/gmmlab"
if [[ ! -x "$gmmlab" ]]; then
  echo "figures.sh: $gmmlab not found; build it first: cmake --build --preset release --target gmmlab" >&2
  exit 1
fi
out=docs/images
mkdir -p "$out"
export OMP_NUM_THREADS=1
"$gmmlab" figures -o "$out"
"$gmmlab" segment -q -k 3 --seed 0 -o "$out/chelsea-k3.png" --soft "$out/chelsea-k3-soft.jpg"
trace="$(mktemp --suffix=.trace.json)"
trap 'rm -f "$trace"' EXIT
"$gmmlab" trace record -q -k 3 --seed 0 -o "$trace" >/dev/null
"$gmmlab" trace plot "$trace" -o "$out/chelsea-curve.png"
"$gmmlab" trace film "$trace" -o "$out/chelsea-film.png"
