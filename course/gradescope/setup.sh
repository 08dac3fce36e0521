#!/usr/bin/env bash
# Gradescope runs this once, as root, while it builds the autograder's image: it installs the
# Debian/Ubuntu packages and builds gmmlab with every check, public and hidden. Tested on
# Debian 12; Ubuntu 24.04 has the same packages (choose that base image: 22.04's CMake is too old).
# GMMLAB_AUTOGRADER_ROOT replaces /autograder (the tests use a folder of their own).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="${GMMLAB_AUTOGRADER_ROOT:-/autograder}"
bash "$here/gmm-lab/scripts/install-deps.sh"  # bash: an unzip may drop the exec bit
if ! cmake --version | awk 'NR==1 { split($3, v, "."); exit !(v[1] > 3 || (v[1] == 3 && v[2] >= 25)) }'; then
  echo "setup.sh: GMM Lab needs CMake 3.25 or newer; choose Gradescope's Ubuntu 24.04 base image" >&2
  exit 1
fi
# No -march=native: the image may run on another CPU than the one that built it.
cmake -S "$here/gmm-lab" -B "$root/build" -DCMAKE_BUILD_TYPE=Release -DGMMLAB_NATIVE=OFF \
      -DGMMLAB_TESTS=OFF -DGMMLAB_BENCH=OFF
cmake --build "$root/build" -j "$(nproc)" --target gmmlab
