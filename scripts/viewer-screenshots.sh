#!/usr/bin/env bash
# Regenerates the viewer's screenshots in docs/images/ (README, viewer/README.md, the handout)
# with gmmlab-viewer's script mode in a headless X server. Needs a release build and xvfb-run:
#   cmake --preset release && cmake --build --preset release -j 2 && scripts/viewer-screenshots.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
viewer=${GMMLAB_VIEWER:-$root/build/release/viewer/gmmlab-viewer}
out=$root/docs/images
if [ ! -x "$viewer" ]; then
  echo "viewer-screenshots: no $viewer; build first (cmake --preset release && cmake --build --preset release -j 2)" >&2
  exit 1
fi
cd "$root"  # the photo's path, shown in the window, is then the repository's own
run() { xvfb-run -a -s '-screen 0 1280x800x24' "$viewer" "$@"; }

# One run on the sample photo, K = 3: the k-means start, the first E-step (the colours change),
# the first M-step (the ellipses move), and iteration 5.
run lab/data/chelsea.png -k 3 --script "screenshot $out/viewer-reset.png; estep; screenshot $out/viewer-estep.png;
  mstep; screenshot $out/viewer-mstep.png; step 4; screenshot $out/viewer-step5.png"

# The colour-blind-safe palette, points coloured by their gamma mix, and the curve as each
# iteration's gain on a log scale, after 40 iterations at K = 5.
run lab/data/chelsea.png -k 5 --script "set palette okabe-ito; set colour mix; set axes B-R; step 40; set curve gain;
  screenshot $out/viewer-okabe-ito-gain.png"

# Side by side: the solution with a classic M-step mistake planted (each covariance divided by
# all N pixels instead of its N_k), against the reference from the same start.
planted=$(mktemp -d)
trap 'rm -rf "$planted"' EXIT
cp "$root"/instructor/solution/* "$planted"/
sed -i 's|sigma.slice(k) = weighted.t() \* centred / n_k(k);|sigma.slice(k) = weighted.t() * centred / double(x.n_rows);|' \
  "$planted/m_step.cpp"
grep -q 'double(x.n_rows);' "$planted/m_step.cpp" || { echo "viewer-screenshots: could not plant the mistake" >&2; exit 1; }
run lab/data/chelsea.png -k 3 --impl both --student "$planted" --script "step 1; estep; screenshot $out/viewer-side-by-side.png"
echo "viewer-screenshots: wrote $out/viewer-{reset,estep,mstep,step5,okabe-ito-gain,side-by-side}.png"
