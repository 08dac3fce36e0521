#!/usr/bin/env bash
# Installs the Debian 12 packages GMM Lab needs (or the ones named as arguments). Idempotent: packages already present are
# not fetched again. Needs root (apt-get); says so instead of failing half-way.
set -euo pipefail

packages=(
  build-essential cmake pkg-config git ca-certificates
  libarmadillo-dev libopencv-dev libfmt-dev libcli11-dev nlohmann-json3-dev
  libgtest-dev  # the tests (GoogleTest); OpenMP, for the benchmark's Armadillo peer, comes with GCC
  bubblewrap libseccomp-dev util-linux  # the grader's sandbox: namespaces (bwrap), the seccomp filter, prlimit
  libarchive-dev  # the course kit: unpacking submissions, writing the student package and bundles
  python3-jsonschema unzip  # the course kit's test of Gradescope's bundle: unzipped as Gradescope does, results.json checked
  python3-skimage  # astronaut.png for the tests (public domain)
  python3-sklearn time  # scikit-learn timed by the benchmark; /usr/bin/time -v for peak memory
  zlib1g-dev  # gzip traces (trace record -o run.trace.json.gz)
  libimgui-dev libglfw3-dev fonts-dejavu-core  # gmmlab-viewer (Dear ImGui 1.86 with its GLFW/OpenGL3 backends)
  xvfb xauth libgl1-mesa-dri xdotool  # the viewer's tests: a headless X server, Mesa's GL, real input
)

# With package names as arguments, only those (the Gradescope autograder's setup.sh).
if [ $# -gt 0 ]; then packages=("$@"); fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages already installed"
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps: these packages are missing: ${missing[*]}" >&2
  echo "install-deps: run as root (e.g. sudo $0) or install them with apt-get, then run again" >&2
  exit 1
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}"
